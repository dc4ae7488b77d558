# The VPC: one subnet with secondary ranges for pods and Services (VPC-native cluster), Cloud NAT
# for the private nodes' way out (acquire fetches web pages; images come from public
# registries), private services access for Memorystore, and the firewall openings private
# clusters need.

resource "google_compute_network" "vpc" {
  name                    = "multivac"
  auto_create_subnetworks = false
  routing_mode            = "REGIONAL"

  depends_on = [google_project_service.services]
}

resource "google_compute_subnetwork" "nodes" {
  name                     = "multivac-nodes"
  network                  = google_compute_network.vpc.id
  region                   = var.region
  ip_cidr_range            = var.subnet_cidr
  private_ip_google_access = true

  secondary_ip_range {
    range_name    = "pods"
    ip_cidr_range = var.pods_cidr
  }

  secondary_ip_range {
    range_name    = "services"
    ip_cidr_range = var.services_cidr
  }

  log_config {
    aggregation_interval = "INTERVAL_5_MIN"
    flow_sampling        = 0.1
    metadata             = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_router" "nat" {
  name    = "multivac-nat"
  network = google_compute_network.vpc.id
  region  = var.region
}

# A reserved egress address, so an external MongoDB (e.g. Atlas) can allow-list the cluster.
resource "google_compute_address" "nat" {
  name        = "multivac-nat"
  region      = var.region
  description = "Egress address of the cluster and the GitLab runner (Cloud NAT)."

  depends_on = [google_project_service.services]
}

resource "google_compute_router_nat" "nat" {
  name                               = "multivac-nat"
  router                             = google_compute_router.nat.name
  region                             = var.region
  nat_ip_allocate_option             = "MANUAL_ONLY"
  nat_ips                            = [google_compute_address.nat.self_link]
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"

  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}

# A private cluster's control plane may reach nodes only on 443 and 10250 by default. Admission
# webhooks listen elsewhere: Knative Serving's webhook on 8443, istiod's on 15017.
resource "google_compute_firewall" "control_plane_webhooks" {
  name        = "multivac-control-plane-webhooks"
  network     = google_compute_network.vpc.id
  description = "GKE control plane to the Knative (8443) and Istio (15017) admission webhooks."
  direction   = "INGRESS"

  source_ranges = [var.master_cidr]
  target_tags   = [local.node_tag]

  allow {
    protocol = "tcp"
    ports    = ["8443", "15017"]
  }
}

# Google's load balancer front ends and health checkers reach the Istio gateway pods (NEG
# backends) on the HTTPS listener and the status port.
resource "google_compute_firewall" "load_balancer" {
  name        = "multivac-load-balancer"
  network     = google_compute_network.vpc.id
  description = "Google front ends and health checks to the Istio ingress gateway pods."
  direction   = "INGRESS"

  source_ranges = ["35.191.0.0/16", "130.211.0.0/22"]
  target_tags   = [local.node_tag]

  allow {
    protocol = "tcp"
    ports    = ["8443", "15021"]
  }
}

# Private services access: a peered range Google's managed services (Memorystore) take IPs from.
resource "google_compute_global_address" "private_services" {
  name          = "multivac-private-services"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  network       = google_compute_network.vpc.id
  address       = split("/", var.private_services_cidr)[0]
  prefix_length = tonumber(split("/", var.private_services_cidr)[1])
}

resource "google_service_networking_connection" "private_services" {
  network                 = google_compute_network.vpc.id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.private_services.name]
}

# The public edge: a global static IP, a Google-managed certificate for var.domain, a TLS policy
# and the Cloud Armor policy holding the IP allow-list. The GKE Ingress of
# knative/components/gke-ingress uses them by these names (the tests check they agree).

resource "google_compute_global_address" "edge" {
  name        = "multivac-ip"
  description = "Public address of the MultiVAC API; the A record of var.domain points here."

  depends_on = [google_project_service.services]
}

resource "google_compute_managed_ssl_certificate" "edge" {
  name        = "multivac-cert"
  description = "Google-managed certificate of the MultiVAC API."

  managed {
    domains = [var.domain]
  }

  depends_on = [google_project_service.services]
}

resource "google_compute_ssl_policy" "edge" {
  name            = "multivac-tls"
  description     = "TLS 1.2 or later with modern ciphers."
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"

  depends_on = [google_project_service.services]
}

# Cloud Armor: the allow-list first (one rule per 10 ranges, the per-rule limit), then deny.
resource "google_compute_security_policy" "edge" {
  name        = "multivac-edge"
  description = "IP allow-list of the MultiVAC API."
  type        = "CLOUD_ARMOR"

  dynamic "rule" {
    for_each = { for i, ranges in chunklist(var.allowed_source_ranges, 10) : i => ranges }
    content {
      action      = "allow"
      priority    = 1000 + rule.key
      description = "allow-list, part ${rule.key + 1}"

      match {
        versioned_expr = "SRC_IPS_V1"
        config {
          src_ip_ranges = rule.value
        }
      }
    }
  }

  rule {
    action      = "deny(403)"
    priority    = 2147483647
    description = "everyone not on the allow-list"

    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
  }

  depends_on = [google_project_service.services]
}

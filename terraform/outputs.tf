output "cluster_name" {
  description = "Name of the GKE cluster."
  value       = google_container_cluster.multivac.name
}

output "cluster_location" {
  description = "Zone or region of the GKE cluster."
  value       = google_container_cluster.multivac.location
}

output "get_credentials_command" {
  description = "Points kubectl at the cluster."
  value       = "gcloud container clusters get-credentials ${google_container_cluster.multivac.name} --location ${google_container_cluster.multivac.location} --project ${var.project_id}"
}

output "image_repository" {
  description = "Artifact Registry path for the function images: skaffold's default repo (SKAFFOLD_DEFAULT_REPO)."
  value       = "${google_artifact_registry_repository.images.location}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}

output "edge_ip_address" {
  description = "Public IP of the API: point the A record of var.domain here."
  value       = google_compute_global_address.edge.address
}

output "api_url" {
  description = "The public API once DNS and the certificate are in place."
  value       = "https://${var.domain}/multivac"
}

output "nat_ip_address" {
  description = "The cluster's egress address: allow it in the external MongoDB's IP access list."
  value       = google_compute_address.nat.address
}

output "redis_host" {
  description = "Private address of the Memorystore instance (TLS on redis_port)."
  value       = google_redis_instance.multivac.host
}

output "redis_port" {
  description = "Port of the Memorystore instance (6378 with in-transit encryption)."
  value       = google_redis_instance.multivac.port
}

output "secret_ids" {
  description = "Secret Manager secrets a deploy reads into knative/overlays/gke."
  value = {
    redis_url   = google_secret_manager_secret.redis_url.secret_id
    redis_ca    = google_secret_manager_secret.redis_ca.secret_id
    mongodb_uri = google_secret_manager_secret.mongodb_uri.secret_id
  }
}

output "deployer_service_account" {
  description = "Email of the service account deploys run as."
  value       = google_service_account.deployer.email
}

output "gitlab_runner_instance" {
  description = "Name of the GitLab runner VM, or null when gitlab_runner_enabled is false."
  value       = var.gitlab_runner_enabled ? google_compute_instance.gitlab_runner[0].name : null
}

# The Google Cloud APIs MultiVAC's infrastructure uses. Left enabled on destroy: other things in
# the project may depend on them.
locals {
  services = toset([
    "artifactregistry.googleapis.com",
    "compute.googleapis.com",
    "container.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "redis.googleapis.com",
    "secretmanager.googleapis.com",
    "servicenetworking.googleapis.com",
  ])
}

resource "google_project_service" "services" {
  for_each = local.services

  service            = each.value
  disable_on_destroy = false
}

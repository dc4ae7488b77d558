# The deployer: the identity the pipeline (or you) deploys with — push images, get cluster
# credentials, deploy to the cluster, read the deploy-time secrets (secrets.tf). The GitLab
# runner VM runs as it (gitlab_runner.tf). The functions themselves call no Google API, so their
# Kubernetes ServiceAccounts are bound to no Google identity.

resource "google_service_account" "deployer" {
  account_id   = "multivac-deployer"
  display_name = "MultiVAC deployer"
  description  = "Builds, pushes and deploys MultiVAC (CI)."
}

resource "google_project_iam_member" "deployer_cluster" {
  project = var.project_id
  role    = "roles/container.developer"
  member  = google_service_account.deployer.member
}

resource "google_artifact_registry_repository_iam_member" "deployer_push" {
  location   = google_artifact_registry_repository.images.location
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.writer"
  member     = google_service_account.deployer.member
}

# The runner VM writes its logs and metrics.
resource "google_project_iam_member" "deployer_logs" {
  for_each = toset(["roles/logging.logWriter", "roles/monitoring.metricWriter"])

  project = var.project_id
  role    = each.value
  member  = google_service_account.deployer.member
}

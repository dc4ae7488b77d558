# Optional (gitlab_runner_enabled): a GitLab runner for the project's pipeline, a
# Container-Optimized OS VM in the cluster's subnet with no public address (out through Cloud
# NAT). It runs the gitlab/gitlab-runner container with the Docker executor (privileged, for the
# docker:dind service of the build job) and acts as the deployer service account, so jobs need
# no key: gcloud and docker pick up its credentials from the metadata server.
#
# Registration: create a project runner in GitLab (Settings → CI/CD → Runners, tag `multivac`),
# then put its authentication token (glrt-…) in Secret Manager before the VM starts:
#   printf '%s' "$TOKEN" | gcloud secrets versions add multivac-gitlab-runner-token --data-file=-

resource "google_secret_manager_secret" "gitlab_runner_token" {
  count = var.gitlab_runner_enabled ? 1 : 0

  secret_id = "multivac-gitlab-runner-token"
  labels    = { app = "multivac" }

  replication {
    auto {}
  }

  depends_on = [google_project_service.services]
}

resource "google_secret_manager_secret_iam_member" "gitlab_runner_token" {
  count = var.gitlab_runner_enabled ? 1 : 0

  secret_id = google_secret_manager_secret.gitlab_runner_token[0].id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.deployer.member
}

resource "google_compute_instance" "gitlab_runner" {
  count = var.gitlab_runner_enabled ? 1 : 0

  name         = "multivac-gitlab-runner"
  description  = "GitLab runner for the MultiVAC pipeline."
  machine_type = var.gitlab_runner_machine_type
  zone         = var.zone
  tags         = ["multivac-ci"]

  boot_disk {
    initialize_params {
      image = "cos-cloud/cos-stable"
      size  = 100
      type  = "pd-balanced"
    }
  }

  network_interface {
    subnetwork = google_compute_subnetwork.nodes.id
  }

  service_account {
    email  = google_service_account.deployer.email
    scopes = ["https://www.googleapis.com/auth/cloud-platform"]
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  metadata = {
    block-project-ssh-keys = "true"
    enable-oslogin         = "TRUE"
    startup-script = templatefile("${path.module}/templates/gitlab-runner-startup.sh.tftpl", {
      gitlab_url     = var.gitlab_url
      runner_version = var.gitlab_runner_version
      project_id     = var.project_id
      token_secret   = google_secret_manager_secret.gitlab_runner_token[0].secret_id
    })
  }

  labels = { app = "multivac" }

  depends_on = [google_secret_manager_secret_iam_member.gitlab_runner_token]
}

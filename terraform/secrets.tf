# Secret Manager holds what the cluster's Secrets are made of; a deploy fetches them into the
# git-ignored files of knative/overlays/gke (README "Deploy", .gitlab-ci.yml), never the repo.
# The Redis URL and CA are written here from Memorystore's attributes; the MongoDB URI is yours
# to add (gcloud secrets versions add multivac-mongodb-uri --data-file=-).
# The AUTH string is also in the terraform state: keep the state in the GCS backend, private.

resource "google_secret_manager_secret" "redis_url" {
  secret_id = "multivac-redis-url"
  labels    = { app = "multivac" }

  replication {
    auto {}
  }

  depends_on = [google_project_service.services]
}

resource "google_secret_manager_secret_version" "redis_url" {
  secret      = google_secret_manager_secret.redis_url.id
  secret_data = "rediss://:${google_redis_instance.multivac.auth_string}@${google_redis_instance.multivac.host}:${google_redis_instance.multivac.port}"
}

resource "google_secret_manager_secret" "redis_ca" {
  secret_id = "multivac-redis-ca"
  labels    = { app = "multivac" }

  replication {
    auto {}
  }

  depends_on = [google_project_service.services]
}

resource "google_secret_manager_secret_version" "redis_ca" {
  secret      = google_secret_manager_secret.redis_ca.id
  secret_data = join("\n", [for c in google_redis_instance.multivac.server_ca_certs : c.cert])
}

resource "google_secret_manager_secret" "mongodb_uri" {
  secret_id = "multivac-mongodb-uri"
  labels    = { app = "multivac" }

  replication {
    auto {}
  }

  depends_on = [google_project_service.services]
}

resource "google_secret_manager_secret_iam_member" "deployer" {
  for_each = {
    redis_url   = google_secret_manager_secret.redis_url.id
    redis_ca    = google_secret_manager_secret.redis_ca.id
    mongodb_uri = google_secret_manager_secret.mongodb_uri.id
  }

  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.deployer.member
}

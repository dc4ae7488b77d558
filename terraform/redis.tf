# Memorystore for Redis: the broker's stream, the answer cache, rate limits. AUTH and in-transit
# encryption on; only keys with a TTL (the cache) may be evicted, never the stream.
# knative/components/memorystore connects the functions to it.

resource "google_redis_instance" "multivac" {
  name           = "multivac"
  display_name   = "MultiVAC"
  tier           = var.redis_tier
  memory_size_gb = var.redis_memory_size_gb
  region         = var.region
  redis_version  = var.redis_version

  authorized_network = google_compute_network.vpc.id
  connect_mode       = "PRIVATE_SERVICE_ACCESS"

  auth_enabled            = true
  transit_encryption_mode = "SERVER_AUTHENTICATION"

  redis_configs = {
    maxmemory-policy = "volatile-lru"
  }

  # Memorystore for Redis offers RDB snapshots (no AOF); STANDARD_HA adds a replica.
  persistence_config {
    persistence_mode    = "RDB"
    rdb_snapshot_period = "ONE_HOUR"
  }

  maintenance_policy {
    weekly_maintenance_window {
      day = "SUNDAY"
      start_time {
        hours   = 3
        minutes = 0
      }
    }
  }

  labels = { app = "multivac" }

  depends_on = [google_service_networking_connection.private_services]
}

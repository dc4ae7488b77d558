variable "project_id" {
  description = "The Google Cloud project that holds everything MultiVAC runs on."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project ID: 6-30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region of the network, Memorystore, Artifact Registry and (if regional_cluster) the cluster."
  type        = string
  default     = "europe-west1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a Google Cloud region such as europe-west1."
  }
}

variable "zone" {
  description = "Zone of a zonal cluster (regional_cluster = false); must be in region."
  type        = string
  default     = "europe-west1-b"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+-[a-z]$", var.zone))
    error_message = "zone must be a Google Cloud zone such as europe-west1-b."
  }

  validation {
    condition     = startswith(var.zone, "${var.region}-")
    error_message = "zone must lie in region."
  }
}

variable "regional_cluster" {
  description = "Run the control plane and nodes in three zones of region (higher availability, and three times the nodes) instead of one zone."
  type        = bool
  default     = false
}

variable "cluster_name" {
  description = "Name of the GKE cluster."
  type        = string
  default     = "multivac"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,38}[a-z0-9]$", var.cluster_name))
    error_message = "cluster_name must be 2-40 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "release_channel" {
  description = "GKE release channel: how soon the cluster gets new Kubernetes versions."
  type        = string
  default     = "REGULAR"

  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE"], var.release_channel)
    error_message = "release_channel must be RAPID, REGULAR or STABLE."
  }
}

variable "subnet_cidr" {
  description = "Primary range of the cluster subnet (nodes, Memorystore clients, the GitLab runner)."
  type        = string
  default     = "10.10.0.0/20"

  validation {
    condition     = can(cidrhost(var.subnet_cidr, 0))
    error_message = "subnet_cidr must be an IPv4 CIDR block."
  }
}

variable "pods_cidr" {
  description = "Secondary range of the subnet for pod IPs."
  type        = string
  default     = "10.16.0.0/14"

  validation {
    condition     = can(cidrhost(var.pods_cidr, 0))
    error_message = "pods_cidr must be an IPv4 CIDR block."
  }
}

variable "services_cidr" {
  description = "Secondary range of the subnet for Kubernetes Service IPs."
  type        = string
  default     = "10.20.0.0/20"

  validation {
    condition     = can(cidrhost(var.services_cidr, 0))
    error_message = "services_cidr must be an IPv4 CIDR block."
  }
}

variable "master_cidr" {
  description = "The /28 the GKE control plane's private endpoint takes (private nodes talk to it there)."
  type        = string
  default     = "172.16.0.16/28"

  validation {
    condition     = can(cidrhost(var.master_cidr, 0)) && endswith(var.master_cidr, "/28")
    error_message = "master_cidr must be an IPv4 /28 block."
  }
}

variable "private_services_cidr" {
  description = "Range reserved for private services access (Memorystore sits there, peered with the VPC)."
  type        = string
  default     = "10.100.0.0/16"

  validation {
    condition     = can(cidrhost(var.private_services_cidr, 0)) && tonumber(split("/", var.private_services_cidr)[1]) <= 24
    error_message = "private_services_cidr must be an IPv4 CIDR block of /24 or larger."
  }
}

variable "authorized_networks" {
  description = "Networks allowed to reach the control plane's public endpoint (kubectl, skaffold). The VPC reaches the private endpoint regardless."
  type = list(object({
    cidr_block   = string
    display_name = string
  }))
  default = []

  validation {
    condition     = alltrue([for n in var.authorized_networks : can(cidrhost(n.cidr_block, 0))])
    error_message = "Every authorized_networks cidr_block must be an IPv4 CIDR block."
  }
}

variable "allowed_source_ranges" {
  description = "The IP allow-list of the public API: client ranges Cloud Armor lets through (IPv4 or IPv6 CIDRs). Everyone else gets 403."
  type        = list(string)

  validation {
    condition     = length(var.allowed_source_ranges) > 0
    error_message = "allowed_source_ranges must hold at least one range (use [\"0.0.0.0/0\", \"::/0\"] to open the API to everyone)."
  }

  validation {
    condition     = alltrue([for r in var.allowed_source_ranges : can(cidrhost(r, 0))])
    error_message = "Every allowed_source_ranges entry must be a CIDR block such as 203.0.113.0/24."
  }
}

variable "domain" {
  description = "Public host name of the API, e.g. multivac.example.com; the Google-managed certificate is issued for it once its A record points at edge_ip_address."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be a fully qualified lowercase host name."
  }
}

variable "node_machine_type" {
  description = "Machine type of the cluster's node pool."
  type        = string
  default     = "e2-standard-4"

  validation {
    condition     = can(regex("^[a-z0-9]+-[a-z0-9-]+$", var.node_machine_type))
    error_message = "node_machine_type must be a Compute Engine machine type such as e2-standard-4."
  }
}

variable "node_min_count" {
  description = "Fewest nodes per zone the autoscaler keeps (Knative, Istio and the broker are always on)."
  type        = number
  default     = 1

  validation {
    condition     = var.node_min_count >= 1 && var.node_min_count == floor(var.node_min_count)
    error_message = "node_min_count must be a whole number of at least 1."
  }
}

variable "node_max_count" {
  description = "Most nodes per zone the autoscaler may add when functions scale out."
  type        = number
  default     = 4

  validation {
    condition     = var.node_max_count >= 1 && var.node_max_count <= 100 && var.node_max_count == floor(var.node_max_count)
    error_message = "node_max_count must be a whole number between 1 and 100."
  }

  validation {
    condition     = var.node_max_count >= var.node_min_count
    error_message = "node_max_count must not be below node_min_count."
  }
}

variable "node_disk_size_gb" {
  description = "Boot disk size of each node, in GB."
  type        = number
  default     = 50

  validation {
    condition     = var.node_disk_size_gb >= 20 && var.node_disk_size_gb <= 500
    error_message = "node_disk_size_gb must be between 20 and 500."
  }
}

variable "spot_nodes" {
  description = "Use Spot VMs for the node pool: much cheaper, but nodes can be reclaimed at any time."
  type        = bool
  default     = false
}

variable "artifact_repository" {
  description = "Name of the Artifact Registry Docker repository that holds the function images."
  type        = string
  default     = "multivac"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,62}$", var.artifact_repository))
    error_message = "artifact_repository must be lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "redis_tier" {
  description = "Memorystore tier: STANDARD_HA (a replica with automatic failover) or BASIC (one node, no failover)."
  type        = string
  default     = "STANDARD_HA"

  validation {
    condition     = contains(["BASIC", "STANDARD_HA"], var.redis_tier)
    error_message = "redis_tier must be BASIC or STANDARD_HA."
  }
}

variable "redis_memory_size_gb" {
  description = "Memorystore capacity in GB (the broker's stream, the answer cache, rate limits)."
  type        = number
  default     = 1

  validation {
    condition     = var.redis_memory_size_gb >= 1 && var.redis_memory_size_gb <= 300
    error_message = "redis_memory_size_gb must be between 1 and 300."
  }
}

variable "redis_version" {
  description = "Memorystore Redis version."
  type        = string
  default     = "REDIS_7_2"

  validation {
    condition     = can(regex("^REDIS_[0-9]+_[0-9X]+$", var.redis_version))
    error_message = "redis_version must look like REDIS_7_2."
  }
}

variable "deletion_protection" {
  description = "Refuse to destroy the GKE cluster (set false and apply before terraform destroy)."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Extra labels put on every resource that takes labels."
  type        = map(string)
  default     = {}
}

variable "gitlab_runner_enabled" {
  description = "Create a GitLab runner VM in the VPC for the project's pipeline (gitlab_runner.tf)."
  type        = bool
  default     = false
}

variable "gitlab_url" {
  description = "URL of the GitLab instance the runner registers with."
  type        = string
  default     = "https://gitlab.com"

  validation {
    condition     = can(regex("^https://", var.gitlab_url))
    error_message = "gitlab_url must be an https URL."
  }
}

variable "gitlab_runner_version" {
  description = "Tag of the gitlab/gitlab-runner image the runner VM runs."
  type        = string
  default     = "v17.11.0"

  validation {
    condition     = can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+$", var.gitlab_runner_version))
    error_message = "gitlab_runner_version must be a release tag such as v17.11.0."
  }
}

variable "gitlab_runner_machine_type" {
  description = "Machine type of the GitLab runner VM (image builds run there)."
  type        = string
  default     = "e2-standard-4"

  validation {
    condition     = can(regex("^[a-z0-9]+-[a-z0-9-]+$", var.gitlab_runner_machine_type))
    error_message = "gitlab_runner_machine_type must be a Compute Engine machine type."
  }
}

variable "image_readers" {
  description = "More identities that may pull the function images, as IAM members (e.g. serviceAccount:multivac-nodes@<production project>.iam.gserviceaccount.com when this project's registry serves both environments)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for m in var.image_readers : can(regex("^(serviceAccount|user|group):[^@]+@[^@]+$", m))])
    error_message = "Every image_readers entry must be an IAM member such as serviceAccount:name@project.iam.gserviceaccount.com."
  }
}

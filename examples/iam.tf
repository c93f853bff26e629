# Agencies and custom policies. Any process that can read a server's metadata gets the
# temporary credentials of the agency the server carries, so these should hold least privilege.

# Finding (error, agency-broad-role): an agency trusted by ECS with Tenant Administrator in every
# project. Nothing here attaches it yet, but any server that does would hand out account-wide
# administrator credentials.
resource "huaweicloud_identity_agency" "ops" {
  name                   = "ecs-ops-admin"
  description            = "Operations tooling on ECS"
  delegated_service_name = "op_svc_ecs"
  all_resources_roles    = ["Tenant Administrator"]
}

# Finding (agency-wildcard-policy): "ecs:*:*" grants every ECS action. The Deny statement with
# "*" is a guard, not a grant, and is not reported.
resource "huaweicloud_identity_role" "ops_ecs" {
  name        = "ops-ecs-operator"
  description = "ECS operations for the ops agency"
  type        = "XA"
  policy = jsonencode({
    Version = "1.1"
    Statement = [
      {
        Effect = "Allow"
        Action = ["ecs:*:*", "evs:volumes:list"]
      },
      {
        Effect    = "Deny"
        Action    = ["*"]
        Condition = { StringNotEquals = { "g:ProjectName" = ["ap-southeast-3"] } }
      },
    ]
  })
}

resource "huaweicloud_identity_agency" "ops_ecs" {
  name                   = "ecs-ops-operator"
  delegated_service_name = "op_svc_ecs"

  project_role {
    project = "ap-southeast-3"
    roles   = [huaweicloud_identity_role.ops_ecs.name]
  }
}

# Clean: read-only OBS actions with a wildcard suffix on one bucket are narrow, not admin access.
resource "huaweicloud_identity_role" "batch_read" {
  name        = "batch-input-reader"
  description = "Reads the batch input bucket"
  type        = "XA"
  policy      = <<-EOT
    {
      "Version": "1.1",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": ["obs:object:GetObject", "obs:object:Get*"],
          "Resource": ["OBS:*:*:object:batch-input/*"]
        }
      ]
    }
  EOT
}

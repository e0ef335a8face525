{{- /*
The topics each worker's consumer group reads (the routes of its consumers.py; tests/unit/test_helm_chart.py checks
them against the code). The gateway consumes nothing and keeps its CPU autoscaler.
*/ -}}
{{- define "tenderflow.kedaTopics" -}}
ingest: [tenderflow.ingest.commands, tenderflow.jobs.events, tenderflow.uploads, tenderflow.workspace.events]
workspace: [tenderflow.ingest.events, tenderflow.jobs.events]
questions: [tenderflow.jobs.events, tenderflow.questions.commands, tenderflow.workspace.events]
jobs: [tenderflow.ingest.commands, tenderflow.ingest.events, tenderflow.jobs.commands, tenderflow.jobs.events, tenderflow.questions.commands, tenderflow.questions.events, tenderflow.workspace.events]
{{- end }}

{{- /* "true" when KEDA scales this service (dict root, service): a worker with autoscaling on and keda.enabled. */ -}}
{{- define "tenderflow.kedaScaled" -}}
{{- $topics := include "tenderflow.kedaTopics" .root | fromYaml }}
{{- $svc := index .root.Values.services .service }}
{{- if and .root.Values.keda.enabled $svc.autoscaling.enabled (hasKey $topics .service) }}true{{ end }}
{{- end }}

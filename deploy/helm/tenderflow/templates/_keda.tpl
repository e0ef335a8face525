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

{{- /*
"true" when KEDA's Kafka triggers need the TriggerAuthentication: SASL, or TLS with a CA Secret of your own.
*/ -}}
{{- define "tenderflow.kedaAuthenticated" -}}
{{- if or (hasPrefix "SASL_" .Values.kafka.securityProtocol) (include "tenderflow.kafkaTls" .) }}true{{ end }}
{{- end }}

{{- /* The SASL and TLS settings of a KEDA Kafka trigger, as KEDA 2.16's Kafka scaler names them. */ -}}
{{- define "tenderflow.kedaKafkaSecurity" -}}
{{- $kafka := .Values.kafka }}
{{- if hasPrefix "SASL_" $kafka.securityProtocol }}
sasl: {{ get (dict "PLAIN" "plaintext" "SCRAM-SHA-256" "scram_sha256" "SCRAM-SHA-512" "scram_sha512") $kafka.sasl.mechanism | quote }}
{{- end }}
{{- if has $kafka.securityProtocol (list "SSL" "SASL_SSL") }}
tls: enable
{{- end }}
{{- end }}

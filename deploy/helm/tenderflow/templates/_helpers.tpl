{{/* The chart's name, overridable with nameOverride. */}}
{{- define "tenderflow.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's base name; each service appends "-<service>", so it is kept to 50 characters to leave room
under Kubernetes' 63-character limit.
*/}}
{{- define "tenderflow.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else if contains (include "tenderflow.name" .) .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "tenderflow.name" .) | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "tenderflow.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tenderflow.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tenderflow.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "tenderflow.labels" -}}
helm.sh/chart: {{ include "tenderflow.chart" . }}
{{ include "tenderflow.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tenderflow
{{- end }}

{{/* A service's image: (dict "root" $ "service" "gateway") -> <repository>-gateway:<tag>. */}}
{{- define "tenderflow.image" -}}
{{- $image := .root.Values.image }}
{{- printf "%s-%s:%s" $image.repository .service (default .root.Chart.AppVersion $image.tag) }}
{{- end }}

{{- define "tenderflow.secretName" -}}
{{- default (printf "%s-secrets" (include "tenderflow.fullname" .)) .Values.existingSecret }}
{{- end }}

{{- define "tenderflow.storageClaimName" -}}
{{- default (printf "%s-storage" (include "tenderflow.fullname" .)) .Values.storage.persistence.existingClaim }}
{{- end }}

{{/* In-cluster base URL of one service: (dict "root" $ "service" "jobs") -> http://<fullname>-jobs:8004. */}}
{{- define "tenderflow.serviceUrl" -}}
{{- $svc := index .root.Values.services .service }}
{{- printf "http://%s-%s:%v" (include "tenderflow.fullname" .root) .service $svc.port }}
{{- end }}

{{/*
How a Kafka client finds its topics and logs in, as env entries: (dict "root" $ "secret" <Secret holding TENDERFLOW_KAFKA_SASL_PASSWORD>).
*/}}
{{- define "tenderflow.kafkaEnv" -}}
{{- $kafka := .root.Values.kafka }}
{{- if and $kafka.tls.clientCertificate (not $kafka.tls.secretName) }}
{{- fail "kafka.tls.clientCertificate needs kafka.tls.secretName, the Secret holding tls.crt and tls.key" }}
{{- end }}
- name: TENDERFLOW_KAFKA_SECURITY_PROTOCOL
  value: {{ $kafka.securityProtocol | quote }}
{{- with $kafka.topicPrefix }}
- name: TENDERFLOW_KAFKA_TOPIC_PREFIX
  value: {{ . | quote }}
{{- end }}
{{- if hasPrefix "SASL_" $kafka.securityProtocol }}
- name: TENDERFLOW_KAFKA_SASL_MECHANISM
  value: {{ $kafka.sasl.mechanism | quote }}
- name: TENDERFLOW_KAFKA_SASL_USERNAME
  value: {{ required "kafka.sasl.username is required with SASL" $kafka.sasl.username | quote }}
- name: TENDERFLOW_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: TENDERFLOW_KAFKA_SASL_PASSWORD
{{- end }}
{{- if include "tenderflow.kafkaTls" .root }}
- name: TENDERFLOW_KAFKA_SSL_CAFILE
  value: /etc/tenderflow/kafka-tls/ca.crt
{{- if $kafka.tls.clientCertificate }}
- name: TENDERFLOW_KAFKA_SSL_CERTFILE
  value: /etc/tenderflow/kafka-tls/tls.crt
- name: TENDERFLOW_KAFKA_SSL_KEYFILE
  value: /etc/tenderflow/kafka-tls/tls.key
{{- end }}
{{- end }}
{{- end }}

{{/* Whether Kafka clients need the TLS Secret mounted: TLS with a CA of your own (else the system trust store). */}}
{{- define "tenderflow.kafkaTls" -}}
{{- if and (has .Values.kafka.securityProtocol (list "SSL" "SASL_SSL")) .Values.kafka.tls.secretName }}true{{ end }}
{{- end }}

{{- define "tenderflow.kafkaTlsMount" -}}
- name: kafka-tls
  mountPath: /etc/tenderflow/kafka-tls
  readOnly: true
{{- end }}

{{- define "tenderflow.kafkaTlsVolume" -}}
- name: kafka-tls
  secret:
    secretName: {{ .Values.kafka.tls.secretName }}
{{- end }}

{{- define "tenderflow.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tenderflow.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The labels that select one service's pods: (dict "root" $ "service" "gateway"). */}}
{{- define "tenderflow.componentSelector" -}}
{{ include "tenderflow.selectorLabels" .root }}
app.kubernetes.io/component: {{ .service }}
{{- end }}

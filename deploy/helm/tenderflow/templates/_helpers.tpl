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

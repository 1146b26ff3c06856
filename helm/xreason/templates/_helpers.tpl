{{- define "xreason.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "xreason.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: xreason-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: xreason
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "xreason.selectorLabels" -}}
app.kubernetes.io/name: xreason-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "xreason.image" -}}
{{ .root.Values.image.registry }}/{{ .name }}:{{ .root.Values.image.tag | default .root.Chart.AppVersion }}
{{- end -}}

{{/* "*" = every namespace (ClusterRole); otherwise the listed namespaces, or the release namespace. */}}
{{- define "xreason.clusterWide" -}}{{ has "*" .Values.operator.watchNamespaces }}{{- end -}}
{{- define "xreason.namespaces" -}}{{ .Values.operator.watchNamespaces | default (list .Release.Namespace) | join "," }}{{- end -}}

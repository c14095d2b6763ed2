{{/*
Names: every object is named after the chart (not the release), so the DNS names Sentinel announces and the
Fleetdeck annotations stay the same in every environment. Install one release per namespace.
*/}}
{{- define "session-store.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "session-store.labels" -}}
app.kubernetes.io/name: {{ include "session-store.name" . }}
app.kubernetes.io/part-of: {{ include "session-store.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
backstage.io/kubernetes-id: {{ include "session-store.name" . }}
{{- end -}}

{{- define "session-store.secretName" -}}
{{- if .Values.auth.existingSecret -}}
{{- .Values.auth.existingSecret -}}
{{- else -}}
{{- printf "%s-acl" (include "session-store.name" .) -}}
{{- end -}}
{{- end -}}

{{- define "session-store.image" -}}
{{- printf "%s:%s" .Values.image.repository .Values.image.tag -}}
{{- end -}}

{{- define "session-store.exporterImage" -}}
{{- printf "%s:%s" .Values.exporter.image.repository .Values.exporter.image.tag -}}
{{- end -}}

{{/* One environment variable from the ACL Secret. Call with (list $ "ENV_NAME" "secret-key"). */}}
{{- define "session-store.secretEnv" -}}
{{- $root := index . 0 -}}
- name: {{ index . 1 }}
  valueFrom:
    secretKeyRef:
      name: {{ include "session-store.secretName" $root }}
      key: {{ index . 2 }}
{{- end -}}

{{- define "session-store.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 999
runAsGroup: 1000
fsGroup: 1000
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "session-store.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}

{{- define "session-store.headless" -}}
{{- printf "%s-headless" (include "session-store.name" .) -}}
{{- end -}}

{{- define "session-store.sentinelHeadless" -}}
{{- printf "%s-sentinel-headless" (include "session-store.name" .) -}}
{{- end -}}

{{/* The exporter sidecar. Call with (list $ port) where port is 6379 (server) or 26379 (Sentinel). */}}
{{- define "session-store.exporter" -}}
{{- $root := index . 0 -}}
{{- $port := index . 1 -}}
- name: exporter
  image: {{ include "session-store.exporterImage" $root }}
  imagePullPolicy: {{ $root.Values.image.pullPolicy }}
  env:
    - name: REDIS_ADDR
      value: {{ printf "%s://localhost:%v" (ternary "rediss" "redis" $root.Values.tls.enabled) $port }}
    {{- if eq (toString $port) "6379" }}
    - name: REDIS_USER
      value: exporter
    {{- include "session-store.secretEnv" (list $root "REDIS_PASSWORD" "exporter-password") | nindent 4 }}
    {{- else }}
    {{- include "session-store.secretEnv" (list $root "REDIS_PASSWORD" "sentinel-auth-password") | nindent 4 }}
    {{- end }}
    {{- if $root.Values.tls.enabled }}
    - name: REDIS_EXPORTER_TLS_CA_CERT_FILE
      value: /tls/ca.crt
    # localhost is not among the certificate's names; the connection never leaves the pod.
    - name: REDIS_EXPORTER_SKIP_TLS_VERIFICATION
      value: "true"
    {{- end }}
  ports:
    - name: metrics
      containerPort: 9121
      protocol: TCP
  resources:
    {{- toYaml $root.Values.exporter.resources | nindent 4 }}
  securityContext:
    {{- include "session-store.containerSecurityContext" $root | nindent 4 }}
  startupProbe:
    httpGet:
      path: /health
      port: metrics
    periodSeconds: 2
    failureThreshold: 15
  livenessProbe:
    httpGet:
      path: /health
      port: metrics
    periodSeconds: 20
  readinessProbe:
    httpGet:
      path: /health
      port: metrics
    periodSeconds: 10
  {{- if $root.Values.tls.enabled }}
  volumeMounts:
    - name: tls
      mountPath: /tls
      readOnly: true
  {{- end }}
{{- end -}}

// helm-render renders a Helm chart the way `helm template` does, without Helm.
//
// Neither Helm nor a Go module proxy can be reached from the machines this project builds on, but
// Debian ships Go and the libraries Helm's template engine is made of: text/template, sprig (the
// function library), sigs.k8s.io/yaml (YAML through JSON, which is why every number in .Values is
// a float64 in Helm too), gojsonschema (values.schema.json in Helm 3 up to 3.17) and Masterminds
// semver (kubeVersion constraints). This program wires them together with Helm's behaviour:
//
//   - values: values.yaml, then each -f file merged over it; a null in a file deletes the key;
//     the result is checked against values.schema.json before anything is rendered;
//   - top-level objects .Values, .Release (Name, Namespace, Revision 1, IsInstall, IsUpgrade,
//     Service "Helm"), .Chart (Chart.yaml with Helm's field names), .Capabilities (KubeVersion,
//     APIVersions.Has, HelmVersion), .Template (Name, BasePath), .Files (Get, GetBytes, Glob, Lines,
//     AsConfig, AsSecrets; everything outside templates/ and charts/ but Chart.yaml, values.yaml
//     and values.schema.json);
//   - functions: sprig minus env/expandenv, include, tpl, required, fail, toYaml, fromYaml,
//     fromYamlArray, toJson, fromJson, fromJsonArray, toToml, lookup (no cluster: an empty map);
//   - every file under templates/ is parsed in Helm's order (deeper paths first, so their defines
//     lose to shallower ones); files whose name starts with "_" are not rendered; missing keys
//     render as empty (missingkey=zero and "<no value>" removed); NOTES.txt is rendered (an error
//     in it fails an install) but is not a manifest;
//   - each rendered file is split on "---" lines, empty documents dropped, every document parsed
//     as YAML (a parse error names the file, as Helm's does), manifests ordered by Helm's install
//     order of kinds, hooks (helm.sh/hook) kept apart; crds/ files are not templated.
//
// Not supported, and refused with an error rather than rendered differently: subcharts (charts/
// or Chart.yaml dependencies), library charts, negated .helmignore patterns.
//
// Usage: helm-render [flags] CHART_DIR
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/BurntSushi/toml"
	semver "github.com/Masterminds/semver"
	sprig "github.com/Masterminds/sprig"
	"github.com/xeipuuv/gojsonschema"
	"sigs.k8s.io/yaml"
)

// ---------------------------------------------------------------------------------------------
// The chart

// Metadata is Chart.yaml under the Go field names templates use (.Chart.Name, .Chart.AppVersion).
type Metadata struct {
	APIVersion   string                   `json:"apiVersion,omitempty"`
	Name         string                   `json:"name,omitempty"`
	Home         string                   `json:"home,omitempty"`
	Sources      []string                 `json:"sources,omitempty"`
	Version      string                   `json:"version,omitempty"`
	Description  string                   `json:"description,omitempty"`
	Keywords     []string                 `json:"keywords,omitempty"`
	Maintainers  []map[string]string      `json:"maintainers,omitempty"`
	Icon         string                   `json:"icon,omitempty"`
	Condition    string                   `json:"condition,omitempty"`
	Tags         string                   `json:"tags,omitempty"`
	AppVersion   string                   `json:"appVersion,omitempty"`
	Deprecated   bool                     `json:"deprecated,omitempty"`
	Annotations  map[string]string        `json:"annotations,omitempty"`
	KubeVersion  string                   `json:"kubeVersion,omitempty"`
	Dependencies []map[string]interface{} `json:"dependencies,omitempty"`
	Type         string                   `json:"type,omitempty"`
}

type chartFile struct {
	name string // slash-separated, relative to the chart directory
	data []byte
}

type chart struct {
	meta      *Metadata
	values    map[string]interface{}
	schema    []byte
	templates []chartFile
	files     []chartFile
}

func loadChart(dir string) (*chart, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, fmt.Errorf("Chart.yaml file is missing: %w", err)
	}
	meta := &Metadata{}
	if err := yaml.Unmarshal(raw, meta); err != nil {
		return nil, fmt.Errorf("cannot load Chart.yaml: %w", err)
	}
	if err := validateMetadata(meta); err != nil {
		return nil, fmt.Errorf("validation: %w", err)
	}
	if len(meta.Dependencies) > 0 {
		return nil, errors.New("helm-render: charts with dependencies are not supported")
	}
	if meta.Type == "library" {
		return nil, errors.New("helm-render: library charts cannot be rendered")
	}
	c := &chart{meta: meta, values: map[string]interface{}{}}
	ignore, err := loadHelmignore(dir)
	if err != nil {
		return nil, err
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if ignore.matches(rel, d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if rel == "charts" {
				entries, _ := os.ReadDir(p)
				if len(entries) > 0 {
					return errors.New("helm-render: subcharts (charts/) are not supported")
				}
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case rel == "Chart.yaml" || rel == "Chart.lock" || rel == "requirements.yaml" || rel == "requirements.lock":
		case rel == "values.yaml":
			if err := yaml.Unmarshal(data, &c.values); err != nil {
				return fmt.Errorf("cannot load values.yaml: %w", err)
			}
			if c.values == nil {
				c.values = map[string]interface{}{}
			}
		case rel == "values.schema.json":
			c.schema = data
		case strings.HasPrefix(rel, "templates/"):
			c.templates = append(c.templates, chartFile{rel, data})
		default:
			c.files = append(c.files, chartFile{rel, data})
		}
		return nil
	})
	return c, err
}

func validateMetadata(m *Metadata) error {
	if m.APIVersion == "" {
		return errors.New("chart.metadata.apiVersion is required")
	}
	if m.APIVersion != "v1" && m.APIVersion != "v2" {
		return fmt.Errorf("chart.metadata.apiVersion %q is not v1 or v2", m.APIVersion)
	}
	if m.Name == "" {
		return errors.New("chart.metadata.name is required")
	}
	if m.Version == "" {
		return errors.New("chart.metadata.version is required")
	}
	if _, err := semver.NewVersion(m.Version); err != nil {
		return fmt.Errorf("chart.metadata.version %q is invalid", m.Version)
	}
	if m.Type != "" && m.Type != "application" && m.Type != "library" {
		return errors.New("chart.metadata.type must be application or library")
	}
	return nil
}

// .helmignore: one pattern per line, "#" comments; "dir/" matches directories; a pattern without
// "/" matches the base name at any depth, with "/" the path from the chart root.
type ignoreRules []string

func loadHelmignore(dir string) (ignoreRules, error) {
	raw, err := os.ReadFile(filepath.Join(dir, ".helmignore"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var rules ignoreRules
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "!") {
			return nil, fmt.Errorf("helm-render: negated .helmignore pattern %q is not supported", line)
		}
		rules = append(rules, line)
	}
	return rules, nil
}

func (r ignoreRules) matches(rel string, isDir bool) bool {
	if rel == ".helmignore" {
		return true
	}
	for _, pattern := range r {
		p := pattern
		if strings.HasSuffix(p, "/") {
			if !isDir {
				continue
			}
			p = strings.TrimSuffix(p, "/")
		}
		p = strings.TrimPrefix(p, "/")
		subject := rel
		if !strings.Contains(p, "/") {
			subject = path.Base(rel)
		}
		if ok, _ := path.Match(p, subject); ok {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------------------------------------
// Values

// mergeValues merges user-supplied files, later over earlier (helm's -f order).
func mergeValues(dst, src map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(dst))
	for k, v := range dst {
		out[k] = v
	}
	for k, v := range src {
		if vm, ok := v.(map[string]interface{}); ok {
			if dm, ok := out[k].(map[string]interface{}); ok {
				out[k] = mergeValues(dm, vm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// coalesce lays the chart's defaults under the user's values: user keys win, maps are merged
// key by key, and a user null removes the key (and the default under it).
func coalesce(user, defaults map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(user)+len(defaults))
	for k, v := range user {
		out[k] = v
	}
	for k, dv := range defaults {
		uv, present := out[k]
		if !present {
			out[k] = deepCopy(dv)
			continue
		}
		if uv == nil {
			delete(out, k)
			continue
		}
		um, uIsMap := uv.(map[string]interface{})
		dm, dIsMap := dv.(map[string]interface{})
		if uIsMap && dIsMap {
			out[k] = coalesce(um, dm)
		}
	}
	return out
}

func deepCopy(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		out := make(map[string]interface{}, len(t))
		for k, x := range t {
			out[k] = deepCopy(x)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, x := range t {
			out[i] = deepCopy(x)
		}
		return out
	}
	return v
}

func validateValues(chartName string, values map[string]interface{}, schema []byte) error {
	if schema == nil {
		return nil
	}
	doc, err := json.Marshal(values)
	if err != nil {
		return err
	}
	result, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(schema), gojsonschema.NewBytesLoader(doc))
	if err != nil {
		return fmt.Errorf("values.schema.json: %w", err)
	}
	if result.Valid() {
		return nil
	}
	var sb strings.Builder
	for _, e := range result.Errors() {
		fmt.Fprintf(&sb, "- %s\n", e)
	}
	return fmt.Errorf("values don't meet the specifications of the schema(s) in the following chart(s):\n%s:\n%s", chartName, sb.String())
}

// ---------------------------------------------------------------------------------------------
// Objects templates see

type KubeVersion struct {
	Version string
	Major   string
	Minor   string
}

func (kv KubeVersion) String() string     { return kv.Version }
func (kv KubeVersion) GitVersion() string { return kv.Version }

type VersionSet []string

func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

type HelmVersion struct {
	Version      string
	GitCommit    string
	GitTreeState string
	GoVersion    string
}

type Capabilities struct {
	APIVersions VersionSet
	KubeVersion KubeVersion
	HelmVersion HelmVersion
}

// The API groups every cluster of the supported versions serves (GA versions).
var builtinAPIVersions = []string{
	"v1", "admissionregistration.k8s.io/v1", "apiextensions.k8s.io/v1", "apiregistration.k8s.io/v1",
	"apps/v1", "authentication.k8s.io/v1", "authorization.k8s.io/v1", "autoscaling/v1", "autoscaling/v2",
	"batch/v1", "certificates.k8s.io/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1",
	"events.k8s.io/v1", "flowcontrol.apiserver.k8s.io/v1", "networking.k8s.io/v1", "node.k8s.io/v1",
	"policy/v1", "rbac.authorization.k8s.io/v1", "scheduling.k8s.io/v1", "storage.k8s.io/v1",
}

// Files is .Files: the chart's non-template files.
type Files map[string][]byte

func (f Files) GetBytes(name string) []byte { return f[name] }
func (f Files) Get(name string) string      { return string(f[name]) }

func (f Files) Glob(pattern string) Files {
	re, err := globRegexp(pattern)
	out := Files{}
	if err != nil {
		return out
	}
	for name, data := range f {
		if re.MatchString(name) {
			out[name] = data
		}
	}
	return out
}

func (f Files) Lines(name string) []string {
	data, ok := f[name]
	if !ok {
		return []string{}
	}
	s := string(data)
	if s != "" && s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
	}
	return strings.Split(s, "\n")
}

func (f Files) AsConfig() string {
	m := make(map[string]string, len(f))
	for name, data := range f {
		m[path.Base(name)] = string(data)
	}
	return toYAML(m)
}

func (f Files) AsSecrets() string {
	m := make(map[string]string, len(f))
	for name, data := range f {
		m[path.Base(name)] = base64.StdEncoding.EncodeToString(data)
	}
	return toYAML(m)
}

// globRegexp: "*" and "?" stop at "/", "**" crosses it, [...] and {a,b} as in gobwas/glob.
func globRegexp(pattern string) (*regexp.Regexp, error) {
	var sb strings.Builder
	sb.WriteString("^")
	inBraces := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '*' && i+1 < len(pattern) && pattern[i+1] == '*':
			sb.WriteString(".*")
			i++
		case c == '*':
			sb.WriteString("[^/]*")
		case c == '?':
			sb.WriteString("[^/]")
		case c == '[':
			j := strings.IndexByte(pattern[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("unclosed [ in %q", pattern)
			}
			class := pattern[i+1 : i+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			sb.WriteString("[" + class + "]")
			i += j
		case c == '{':
			inBraces = true
			sb.WriteString("(?:")
		case c == '}' && inBraces:
			inBraces = false
			sb.WriteString(")")
		case c == ',' && inBraces:
			sb.WriteString("|")
		case c == '\\' && i+1 < len(pattern):
			i++
			sb.WriteString(regexp.QuoteMeta(string(pattern[i])))
		default:
			sb.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	sb.WriteString("$")
	return regexp.Compile(sb.String())
}

// ---------------------------------------------------------------------------------------------
// Template functions

func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return "" // Helm swallows marshalling errors inside templates
	}
	return strings.TrimSuffix(string(data), "\n")
}

func mustToYAML(v interface{}) (string, error) {
	data, err := yaml.Marshal(v)
	return strings.TrimSuffix(string(data), "\n"), err
}

func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromYAMLArray(s string) []interface{} {
	a := []interface{}{}
	if err := yaml.Unmarshal([]byte(s), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

func toJSON(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func mustToJSON(v interface{}) (string, error) {
	data, err := json.Marshal(v)
	return string(data), err
}

func fromJSON(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromJSONArray(s string) []interface{} {
	a := []interface{}{}
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

func toTOML(v interface{}) string {
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(v); err != nil {
		return err.Error()
	}
	return b.String()
}

const (
	requiredStart = "HELM_ERR_START"
	requiredEnd   = "HELM_ERR_END"
	includeDepth  = 1000
)

var requiredMessage = regexp.MustCompile(requiredStart + `(.*)` + requiredEnd)

type renderer struct {
	set      *template.Template
	included map[string]int
}

func (r *renderer) funcs() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	extra := template.FuncMap{
		"toYaml":        toYAML,
		"mustToYaml":    mustToYAML,
		"fromYaml":      fromYAML,
		"fromYamlArray": fromYAMLArray,
		"toJson":        toJSON,
		"mustToJson":    mustToJSON,
		"fromJson":      fromJSON,
		"fromJsonArray": fromJSONArray,
		"toToml":        toTOML,
		// helm template has no cluster: lookup answers "nothing there".
		"lookup": func(apiVersion, resource, namespace, name string) (map[string]interface{}, error) {
			return map[string]interface{}{}, nil
		},
		"include": func(name string, data interface{}) (string, error) {
			if r.included[name] > includeDepth {
				return "", fmt.Errorf("rendering template has a nested reference name: %s: unable to execute template", name)
			}
			r.included[name]++
			defer func() { r.included[name]-- }()
			var buf strings.Builder
			err := r.set.ExecuteTemplate(&buf, name, data)
			return buf.String(), err
		},
		"tpl": func(text string, top interface{}) (string, error) {
			vals, ok := top.(map[string]interface{})
			tmpl, _ := vals["Template"].(map[string]interface{})
			name, _ := tmpl["Name"].(string)
			if !ok || name == "" {
				return "", fmt.Errorf("cannot retrieve Template.Name from values inside tpl function: %s", text)
			}
			clone, err := r.set.Clone()
			if err != nil {
				return "", err
			}
			if _, err := clone.New(name).Parse(text); err != nil {
				return "", fmt.Errorf("error during tpl function execution for %q: %w", text, err)
			}
			var buf strings.Builder
			if err := clone.ExecuteTemplate(&buf, name, vals); err != nil {
				return "", fmt.Errorf("error during tpl function execution for %q: %w", text, err)
			}
			return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
		},
		"required": func(message string, v interface{}) (interface{}, error) {
			if v == nil {
				return v, errors.New(requiredStart + message + requiredEnd)
			}
			if s, ok := v.(string); ok && s == "" {
				return v, errors.New(requiredStart + message + requiredEnd)
			}
			return v, nil
		},
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// templateOrder is Helm's parse order: more path segments first, then reverse lexical order; a
// later parse of the same define wins, so the shallowest, lexically first file's define is used.
func templateOrder(names []string) []string {
	sorted := append([]string(nil), names...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		ca, cb := strings.Count(a, "/"), strings.Count(b, "/")
		if ca != cb {
			return ca > cb
		}
		return a > b
	})
	return sorted
}

func parseError(err error) error {
	parts := strings.Split(err.Error(), ": ")
	if len(parts) < 3 {
		return fmt.Errorf("parse error: %s", err)
	}
	return fmt.Errorf("parse error at (%s): %s", parts[1], parts[len(parts)-1])
}

func execError(name string, err error) error {
	var execErr template.ExecError
	if !errors.As(err, &execErr) {
		return err
	}
	parts := strings.SplitN(err.Error(), ": ", 3)
	if len(parts) != 3 {
		return fmt.Errorf("execution error in (%s): %s", name, err)
	}
	if m := requiredMessage.FindStringSubmatch(parts[2]); len(m) == 2 {
		return fmt.Errorf("execution error at (%s): %s", parts[1], m[1])
	}
	return err
}

// ---------------------------------------------------------------------------------------------
// Rendering

type options struct {
	releaseName  string
	namespace    string
	kubeVersion  string
	apiVersions  []string
	valuesFiles  []string
	includeCRDs  bool
	output       string
	isUpgrade    bool
	releaseRev   int
	helmVersion  string
	chartDirPath string
}

// Manifest is one rendered document.
type Manifest struct {
	Source  string          `json:"source"`
	Kind    string          `json:"kind"`
	Name    string          `json:"name"`
	Hook    string          `json:"hook,omitempty"`
	Content string          `json:"content"`
	Object  json.RawMessage `json:"object"`
}

type Result struct {
	Chart     *Metadata              `json:"chart"`
	Values    map[string]interface{} `json:"values"`
	CRDs      []Manifest             `json:"crds"`
	Manifests []Manifest             `json:"manifests"`
	Hooks     []Manifest             `json:"hooks"`
	Notes     string                 `json:"notes"`
}

func render(opts options) (*Result, error) {
	c, err := loadChart(opts.chartDirPath)
	if err != nil {
		return nil, err
	}
	caps, err := capabilities(opts)
	if err != nil {
		return nil, err
	}
	if c.meta.KubeVersion != "" {
		constraint, err := semver.NewConstraint(c.meta.KubeVersion)
		if err != nil {
			return nil, fmt.Errorf("chart kubeVersion %q is not a valid constraint: %w", c.meta.KubeVersion, err)
		}
		v, _ := semver.NewVersion(caps.KubeVersion.Version)
		if !constraint.Check(v) {
			return nil, fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", c.meta.KubeVersion, caps.KubeVersion.Version)
		}
	}

	user := map[string]interface{}{}
	for _, file := range opts.valuesFiles {
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		current := map[string]interface{}{}
		if err := yaml.Unmarshal(raw, &current); err != nil {
			return nil, fmt.Errorf("failed to parse %s: %w", file, err)
		}
		user = mergeValues(user, current)
	}
	values := coalesce(user, c.values)
	if err := validateValues(c.meta.Name, values, c.schema); err != nil {
		return nil, err
	}

	files := Files{}
	for _, f := range c.files {
		files[f.name] = f.data
	}
	top := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{
			"Name":      opts.releaseName,
			"Namespace": opts.namespace,
			"IsUpgrade": opts.isUpgrade,
			"IsInstall": !opts.isUpgrade,
			"Revision":  opts.releaseRev,
			"Service":   "Helm",
		},
		"Chart":        c.meta,
		"Capabilities": caps,
		"Files":        files,
		"Subcharts":    map[string]interface{}{},
	}

	r := &renderer{set: template.New("gotpl"), included: map[string]int{}}
	r.set.Option("missingkey=zero")
	r.set.Funcs(r.funcs())
	sources := map[string]string{}
	var names []string
	for _, t := range c.templates {
		name := path.Join(c.meta.Name, t.name)
		sources[name] = string(t.data)
		names = append(names, name)
	}
	for _, name := range templateOrder(names) {
		if _, err := r.set.New(name).Parse(sources[name]); err != nil {
			return nil, parseError(err)
		}
	}
	rendered := map[string]string{}
	basePath := path.Join(c.meta.Name, "templates")
	for _, name := range templateOrder(names) {
		if strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		top["Template"] = map[string]interface{}{"Name": name, "BasePath": basePath}
		var buf strings.Builder
		if err := r.set.ExecuteTemplate(&buf, name, top); err != nil {
			return nil, execError(name, err)
		}
		rendered[name] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}

	result := &Result{Chart: c.meta, Values: values, CRDs: []Manifest{}, Manifests: []Manifest{}, Hooks: []Manifest{}}
	sortedNames := make([]string, 0, len(rendered))
	for name := range rendered {
		sortedNames = append(sortedNames, name)
	}
	sort.Strings(sortedNames)
	for _, name := range sortedNames {
		if strings.HasSuffix(name, "NOTES.txt") {
			if name == path.Join(basePath, "NOTES.txt") {
				result.Notes = rendered[name]
			}
			continue
		}
		docs, err := splitManifests(name, rendered[name])
		if err != nil {
			return nil, err
		}
		for _, m := range docs {
			if m.Hook != "" {
				result.Hooks = append(result.Hooks, m)
			} else {
				result.Manifests = append(result.Manifests, m)
			}
		}
	}
	sort.SliceStable(result.Manifests, func(i, j int) bool {
		return kindRank(result.Manifests[i].Kind) < kindRank(result.Manifests[j].Kind)
	})
	sort.SliceStable(result.Hooks, func(i, j int) bool {
		return kindRank(result.Hooks[i].Kind) < kindRank(result.Hooks[j].Kind)
	})
	if opts.includeCRDs {
		for _, f := range c.files {
			if !strings.HasPrefix(f.name, "crds/") {
				continue
			}
			ext := path.Ext(f.name)
			if ext != ".yaml" && ext != ".yml" && ext != ".json" {
				continue
			}
			docs, err := splitManifests(path.Join(c.meta.Name, f.name), string(f.data))
			if err != nil {
				return nil, err
			}
			result.CRDs = append(result.CRDs, docs...)
		}
	}
	return result, nil
}

func capabilities(opts options) (Capabilities, error) {
	v, err := semver.NewVersion(opts.kubeVersion)
	if err != nil {
		return Capabilities{}, fmt.Errorf("invalid --kube-version %q: %w", opts.kubeVersion, err)
	}
	return Capabilities{
		APIVersions: append(append(VersionSet{}, builtinAPIVersions...), opts.apiVersions...),
		KubeVersion: KubeVersion{
			Version: "v" + v.String(),
			Major:   fmt.Sprint(v.Major()),
			Minor:   fmt.Sprint(v.Minor()),
		},
		HelmVersion: HelmVersion{Version: opts.helmVersion, GitTreeState: "clean"},
	}, nil
}

var separator = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

type head struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   *struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
}

func splitManifests(source, content string) ([]Manifest, error) {
	var out []Manifest
	for _, doc := range separator.Split(content, -1) {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		var h head
		if err := yaml.Unmarshal([]byte(doc), &h); err != nil {
			return nil, fmt.Errorf("YAML parse error on %s: %w", source, err)
		}
		object, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			return nil, fmt.Errorf("YAML parse error on %s: %w", source, err)
		}
		m := Manifest{Source: source, Kind: h.Kind, Content: strings.TrimSpace(doc), Object: object}
		if h.Metadata != nil {
			m.Name = h.Metadata.Name
			m.Hook = h.Metadata.Annotations["helm.sh/hook"]
		}
		out = append(out, m)
	}
	return out, nil
}

// Helm's install order; kinds not listed go last.
var installOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
	"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
	"PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
	"ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
	"RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
	"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
}

func kindRank(kind string) int {
	for i, k := range installOrder {
		if k == kind {
			return i
		}
	}
	return len(installOrder)
}

// ---------------------------------------------------------------------------------------------

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func main() {
	opts := options{releaseRev: 1}
	var values, apiVersions stringList
	flag.StringVar(&opts.releaseName, "release-name", "release-name", "release name (.Release.Name)")
	flag.StringVar(&opts.namespace, "namespace", "default", "release namespace (.Release.Namespace)")
	flag.StringVar(&opts.kubeVersion, "kube-version", "v1.34.0", "Kubernetes version for .Capabilities and the chart's kubeVersion check")
	flag.Var(&apiVersions, "api-versions", "extra API version for .Capabilities.APIVersions (repeatable)")
	flag.Var(&values, "f", "values file merged over values.yaml (repeatable, later wins)")
	flag.BoolVar(&opts.includeCRDs, "include-crds", false, "also output the chart's crds/ (not templated)")
	flag.BoolVar(&opts.isUpgrade, "is-upgrade", false, "render as an upgrade (.Release.IsUpgrade)")
	flag.StringVar(&opts.output, "output", "yaml", "yaml (like helm template) or json")
	flag.StringVar(&opts.helmVersion, "helm-version", "v3.17.0", ".Capabilities.HelmVersion.Version")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: helm-render [flags] CHART_DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	opts.chartDirPath = flag.Arg(0)
	opts.valuesFiles = values
	opts.apiVersions = apiVersions

	result, err := render(opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %s\n", err)
		os.Exit(1)
	}
	switch opts.output {
	case "json":
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(result); err != nil {
			fmt.Fprintf(os.Stderr, "Error: %s\n", err)
			os.Exit(1)
		}
	case "yaml":
		var out strings.Builder
		all := append(append(append([]Manifest{}, result.CRDs...), result.Manifests...), result.Hooks...)
		for _, m := range all {
			fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", m.Source, m.Content)
		}
		fmt.Print(out.String())
	default:
		fmt.Fprintf(os.Stderr, "Error: --output must be yaml or json\n")
		os.Exit(2)
	}
}

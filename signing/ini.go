package signing

import (
	"bufio"
	"bytes"
	"strings"
)

// parseINI reads the INI files the vendors' tools write: [section] lines,
// key = value pairs, comments starting with '#' or ';'. Keys and values are
// trimmed; a key outside any section is ignored, as the vendors do.
func parseINI(data []byte) map[string]map[string]string {
	sections := map[string]map[string]string{}
	var current map[string]string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxCredentialAnswer)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[' && strings.HasSuffix(line, "]"):
			name := strings.TrimSpace(line[1 : len(line)-1])
			if sections[name] == nil {
				sections[name] = map[string]string{}
			}
			current = sections[name]
		case current != nil:
			if k, v, ok := strings.Cut(line, "="); ok {
				current[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"`)
			}
		}
	}
	return sections
}

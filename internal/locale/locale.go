// Package locale holds the person-facing strings of the server by key, one catalogue per
// language (translations/ja.json and en.json), as miniflux keeps its locales: a translator edits
// one file, and a test fails when a key is missing in either language or their placeholders
// differ. A text names its variable parts {like_this}; Get fills them from name–value pairs.
//
// Japanese has no plural forms and the English texts are written to need none, so the catalogue
// is a flat map rather than an i18n library's plural rules.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

//go:embed translations/*.json
var files embed.FS

// Languages are the catalogue's languages; the first is the default.
var Languages = []string{"ja", "en"}

// catalogue maps language → key → text. It is read once from the embedded files and never
// changes afterwards.
var catalogue = mustLoad()

func mustLoad() map[string]map[string]string {
	c := map[string]map[string]string{}
	for _, lang := range Languages {
		b, err := files.ReadFile("translations/" + lang + ".json")
		if err != nil {
			panic(fmt.Sprintf("locale: %v", err)) // embedded at build time: a broken build
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("locale: translations/%s.json: %v", lang, err))
		}
		c[lang] = m
	}
	return c
}

// Get returns the text of key in lang (Japanese for any language other than en), with each
// {name} replaced by the value that follows name in pairs. A key missing from the catalogue
// comes back as itself, so the gap shows rather than an empty message.
func Get(lang, key string, pairs ...any) string {
	if lang != "en" {
		lang = "ja"
	}
	s, ok := catalogue[lang][key]
	if !ok {
		return key
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(pairs[i])+"}", fmt.Sprint(pairs[i+1]))
	}
	return s
}

// Both returns the Japanese and English texts of key.
func Both(key string, pairs ...any) (ja, en string) {
	return Get("ja", key, pairs...), Get("en", key, pairs...)
}

// Label returns the text of a value under a prefix ("label.exposure." and "high"), or the value
// itself when the catalogue has no text for it.
func Label(lang, prefix, value string) string {
	if s := Get(lang, prefix+value); s != prefix+value {
		return s
	}
	return value
}

// References writes the names of sources and references (as the rules files give them, in
// English) in lang, joined: "経済安全保障推進法" for "ESPA" in Japanese. A reference without a
// translation is kept as written.
func References(lang string, refs ...string) string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = Label(lang, "ref.", r)
	}
	sep := "; "
	if lang != "en" {
		sep = "／"
	}
	return strings.Join(out, sep)
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// placeholders lists the {names} a text uses.
func placeholders(s string) []string { return placeholder.FindAllString(s, -1) }

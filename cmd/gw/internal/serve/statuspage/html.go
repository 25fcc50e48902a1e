package statuspage

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strconv"
	"time"
)

// The page is one self-contained document, its CSS and script inline, so
// that it works offline and behind any access control without a second
// request. html/template escapes everything the configuration supplies:
// upstream and server names, ids, health-check reasons.
//
//go:embed status.html
var pageText string

var page = template.Must(template.New("gw_status").Funcs(template.FuncMap{
	"seconds":   func(d time.Duration) int64 { return int64((d + time.Second - 1) / time.Second) },
	"stamp":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"clock":     func(t time.Time) string { return t.Format("2006-01-02 15:04:05 MST") },
	"uptime":    func(s int64) string { return span(time.Duration(s) * time.Second) },
	"ago":       func(now, t time.Time) string { return span(now.Sub(t)) + " ago" },
	"unix":      func(t *time.Time) int64 { return unixOrZero(t) },
	"class":     State.class,
	"rank":      rank,
	"short":     short,
	"bytes":     humanBytes,
	"millis":    millis,
	"responses": Responses.list,
	"summary":   summary,
}).Parse(pageText))

// AppendHTML appends st as the HTML page.
func AppendHTML(dst []byte, st *Status) []byte {
	buf := bytes.NewBuffer(dst)
	if err := page.Execute(buf, st); err != nil {
		// The template is fixed and its data a plain struct: an error is a
		// bug of this package, which its tests catch.
		panic(err)
	}
	return buf.Bytes()
}

func unixOrZero(t *time.Time) int64 {
	if t == nil {
		return 0
	}
	return t.Unix()
}

// rank orders states for sorting: the most urgent first.
func rank(s State) int {
	switch s {
	case Down:
		return 0
	case Failed:
		return 1
	case Maint:
		return 2
	case Drain:
		return 3
	case Backup:
		return 4
	}
	return 5
}

// short abbreviates a long sid (md5 and hmac ones are 32 hex digits) to
// what tells servers apart at a glance; the title shows it whole.
func short(s string) string {
	if len(s) > 12 {
		return s[:8] + "…"
	}
	return s
}

// span renders a duration the way an operator reads it: its two largest
// units.
func span(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return strconv.FormatInt(s, 10) + "s"
	case s < 3600:
		return fmt.Sprintf("%dm %ds", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%dh %dm", s/3600, s%3600/60)
	}
	return fmt.Sprintf("%dd %dh", s/86400, s%86400/3600)
}

// humanBytes renders n in binary units with three significant digits.
func humanBytes(n uint64) string {
	if n < 1024 {
		return strconv.FormatUint(n, 10) + " B"
	}
	v := float64(n)
	for _, unit := range []string{"KiB", "MiB", "GiB", "TiB", "PiB"} {
		v /= 1024
		if v < 1024 || unit == "PiB" {
			switch {
			case v < 10:
				return fmt.Sprintf("%.2f %s", v, unit)
			case v < 100:
				return fmt.Sprintf("%.1f %s", v, unit)
			}
			return fmt.Sprintf("%.0f %s", v, unit)
		}
	}
	return "" // not reached
}

// millis renders a response time, "-" when the window saw no response.
func millis(count uint64, ms float64) string {
	switch {
	case count == 0:
		return "-"
	case ms < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 1000:
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.2f s", ms/1000)
}

// summary counts an upstream's servers that serve (UP, DRAIN) out of all.
func summary(u Upstream) string {
	serving := 0
	for _, s := range u.Servers {
		if s.State == Up || s.State == Drain {
			serving++
		}
	}
	return fmt.Sprintf("%d of %d serving", serving, len(u.Servers))
}

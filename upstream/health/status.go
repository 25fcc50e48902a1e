package health

import (
	"strconv"

	"github.com/gw-proxy/gw/conf/check"
	"github.com/gw-proxy/gw/upstream"
)

// Filter selects the servers a status page lists: Tengine's ?status=.
type Filter uint8

// The filters.
const (
	All  Filter = iota
	Up          // ?status=up
	Down        // ?status=down
)

// ParseFilter reads ?status= ("up", "down"; anything else lists all, as
// Tengine does).
func ParseFilter(s []byte) Filter {
	switch string(s) {
	case "up":
		return Up
	case "down":
		return Down
	}
	return All
}

// StatusRow is one checked server of the status page: Tengine's columns,
// plus gw's passive-health failures.
type StatusRow struct {
	Index        int // across every checked upstream, in configuration order
	Upstream     string
	Name         string // "ip:port"
	Down         bool
	Rise, Fall   int
	Type         check.Type
	Port         int // the check's port= (0: the server's own)
	PassiveFails int64
}

// Rows lists the checked servers of ups, in configuration order, that f
// selects. A server listed twice in one upstream (one address) appears
// once per line, as Tengine shows it.
func Rows(ups []*upstream.Upstream, f Filter) []StatusRow {
	var rows []StatusRow
	i := 0
	for _, u := range ups {
		c := u.Conf.Check
		if c == nil {
			continue
		}
		for _, p := range u.Peers {
			h := p.State().Health()
			row := StatusRow{Index: i, Upstream: u.Name(), Name: p.Addr, Down: h.Down,
				Rise: h.Rise, Fall: h.Fall, Type: c.Type, Port: c.Port, PassiveFails: p.State().Fails()}
			i++
			if f == Up && row.Down || f == Down && !row.Down {
				continue
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// ContentType is the status page's media type in format f, Tengine's.
func ContentType(f check.Format) string {
	switch f {
	case check.CSV:
		return "text/plain"
	case check.JSON:
		return "application/json"
	}
	return "text/html"
}

// AppendStatus writes the status page of rows in format f, in Tengine's
// exact layout so that scripts and collectors written for Tengine's
// check_status (Telegraf's nginx_upstream_check among them) read gw's.
// generation is the configuration's generation (1 at start, one more per
// reload). gw adds the passive-health failures (max_fails) as a last
// column in HTML and a "passive_fails" key in JSON; the CSV keeps
// Tengine's eight fields, since CSV readers count them.
func AppendStatus(dst []byte, f check.Format, generation uint64, rows []StatusRow) []byte {
	switch f {
	case check.CSV:
		return appendCSV(dst, rows)
	case check.JSON:
		return appendJSON(dst, generation, rows)
	}
	return appendHTML(dst, generation, rows)
}

func status(down bool) string {
	if down {
		return "down"
	}
	return "up"
}

func appendCSV(dst []byte, rows []StatusRow) []byte {
	for _, r := range rows {
		dst = strconv.AppendInt(dst, int64(r.Index), 10)
		dst = append(dst, ',')
		dst = append(dst, r.Upstream...)
		dst = append(dst, ',')
		dst = append(dst, r.Name...)
		dst = append(dst, ',')
		dst = append(dst, status(r.Down)...)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, int64(r.Rise), 10)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, int64(r.Fall), 10)
		dst = append(dst, ',')
		dst = append(dst, r.Type.String()...)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, int64(r.Port), 10)
		dst = append(dst, '\n')
	}
	return dst
}

func appendJSON(dst []byte, generation uint64, rows []StatusRow) []byte {
	dst = append(dst, "{\"servers\": {\n  \"total\": "...)
	dst = strconv.AppendInt(dst, int64(len(rows)), 10)
	dst = append(dst, ",\n  \"generation\": "...)
	dst = strconv.AppendUint(dst, generation, 10)
	dst = append(dst, ",\n  \"server\": [\n"...)
	for i, r := range rows {
		dst = append(dst, "    {\"index\": "...)
		dst = strconv.AppendInt(dst, int64(r.Index), 10)
		dst = append(dst, ", \"upstream\": "...)
		dst = strconv.AppendQuote(dst, r.Upstream)
		dst = append(dst, ", \"name\": "...)
		dst = strconv.AppendQuote(dst, r.Name)
		dst = append(dst, ", \"status\": \""...)
		dst = append(dst, status(r.Down)...)
		dst = append(dst, "\", \"rise\": "...)
		dst = strconv.AppendInt(dst, int64(r.Rise), 10)
		dst = append(dst, ", \"fall\": "...)
		dst = strconv.AppendInt(dst, int64(r.Fall), 10)
		dst = append(dst, ", \"type\": \""...)
		dst = append(dst, r.Type.String()...)
		dst = append(dst, "\", \"port\": "...)
		dst = strconv.AppendInt(dst, int64(r.Port), 10)
		dst = append(dst, ", \"passive_fails\": "...)
		dst = strconv.AppendInt(dst, r.PassiveFails, 10)
		dst = append(dst, '}')
		if i < len(rows)-1 {
			dst = append(dst, ',')
		}
		dst = append(dst, '\n')
	}
	return append(dst, "  ]\n}}\n"...)
}

func appendHTML(dst []byte, generation uint64, rows []StatusRow) []byte {
	dst = append(dst, `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
  <title>Nginx http upstream check status</title>
</head>
<body>
<h1>Nginx http upstream check status</h1>
<h2>Check upstream server number: `...)
	dst = strconv.AppendInt(dst, int64(len(rows)), 10)
	dst = append(dst, ", generation: "...)
	dst = strconv.AppendUint(dst, generation, 10)
	dst = append(dst, `</h2>
<table style="background-color:white" cellspacing="0"        cellpadding="3" border="1">
  <tr bgcolor="#C0C0C0">
    <th>Index</th>
    <th>Upstream</th>
    <th>Name</th>
    <th>Status</th>
    <th>Rise counts</th>
    <th>Fall counts</th>
    <th>Check type</th>
    <th>Check port</th>
    <th>Passive fails</th>
  </tr>
`...)
	for _, r := range rows {
		dst = append(dst, "  <tr"...)
		if r.Down {
			dst = append(dst, ` bgcolor="#FF0000"`...)
		}
		dst = append(dst, ">\n"...)
		dst = appendCell(dst, strconv.Itoa(r.Index))
		dst = appendCell(dst, r.Upstream)
		dst = appendCell(dst, r.Name)
		dst = appendCell(dst, status(r.Down))
		dst = appendCell(dst, strconv.Itoa(r.Rise))
		dst = appendCell(dst, strconv.Itoa(r.Fall))
		dst = appendCell(dst, r.Type.String())
		dst = appendCell(dst, strconv.Itoa(r.Port))
		dst = appendCell(dst, strconv.FormatInt(r.PassiveFails, 10))
		dst = append(dst, "  </tr>\n"...)
	}
	return append(dst, "</table>\n</body>\n</html>\n"...)
}

// appendCell writes one table cell. Upstream names and addresses are
// configuration words (no markup characters), but the page escapes them
// anyway: a status page must never carry markup it did not write.
func appendCell(dst []byte, s string) []byte {
	dst = append(dst, "    <td>"...)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '<':
			dst = append(dst, "&lt;"...)
		case '>':
			dst = append(dst, "&gt;"...)
		case '&':
			dst = append(dst, "&amp;"...)
		case '"':
			dst = append(dst, "&quot;"...)
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, "</td>\n"...)
}

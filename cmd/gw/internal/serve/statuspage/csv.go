package statuspage

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"time"
)

// CSVColumns are the columns of ?format=csv, one line per upstream server
// after this header line. They are the JSON fields of a server, flattened;
// times are RFC 3339, empty when unknown.
var CSVColumns = []string{
	"upstream", "name", "address", "id", "sid", "backup", "state",
	"weight", "config_weight", "admin", "active", "max_conns",
	"check", "check_reason", "check_last_change",
	"fails", "requests", "failures", "retries",
	"1xx", "2xx", "3xx", "4xx", "5xx",
	"sessions", "returning", "moved",
	"bytes_sent", "bytes_received",
	"rt_count", "rt_avg_ms", "rt_p99_ms",
	// Added after the first release: at the end, so that readers that
	// index columns keep working.
	"key", "weight_override",
}

// AppendCSV appends the servers of st as CSV, a header line first.
func AppendCSV(dst []byte, st *Status) []byte {
	buf := bytes.NewBuffer(dst)
	w := csv.NewWriter(buf)
	_ = w.Write(CSVColumns)
	u64 := func(n uint64) string { return strconv.FormatUint(n, 10) }
	for _, u := range st.Upstreams {
		for i := range u.Servers {
			s := &u.Servers[i]
			rec := []string{
				u.Name, s.Name, s.Address, s.ID, s.SID, strconv.FormatBool(s.Backup), string(s.State),
				strconv.Itoa(s.Weight), strconv.Itoa(s.ConfigWeight), s.Admin,
				strconv.FormatInt(s.Active, 10), strconv.Itoa(s.MaxConns),
				checkWord(&s.Check), s.Check.Reason, rfc3339(s.Check.LastChange),
				strconv.FormatInt(s.Fails, 10), u64(s.Requests), u64(s.Failures), u64(s.Retries),
			}
			for _, n := range s.Responses.list() {
				rec = append(rec, u64(n))
			}
			rec = append(rec, u64(s.Sessions), u64(s.Returning), u64(s.Moved),
				u64(s.BytesSent), u64(s.BytesReceived), u64(s.ResponseTime.Count),
				strconv.FormatFloat(s.ResponseTime.AvgMs, 'f', -1, 64),
				strconv.FormatFloat(s.ResponseTime.P99Ms, 'f', -1, 64),
				s.Key, strconv.Itoa(s.WeightOverride))
			_ = w.Write(rec)
		}
	}
	w.Flush() // a bytes.Buffer does not fail
	return buf.Bytes()
}

// checkWord is the active check's verdict: "up", "down", or "" when no
// check runs for the server.
func checkWord(c *Check) string {
	switch {
	case !c.Checked:
		return ""
	case c.Down:
		return "down"
	}
	return "up"
}

func rfc3339(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

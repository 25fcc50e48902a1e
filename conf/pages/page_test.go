package pages

import (
	"strings"
	"testing"
	"time"

	"github.com/gw-proxy/gw/conf/check"
	"github.com/gw-proxy/gw/parser"
)

func TestParse(t *testing.T) {
	parse := func(src string) (*Page, error) {
		t.Helper()
		tree, err := parser.Parse("t.conf", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return Parse(tree[0])
	}
	for _, tc := range []struct {
		src  string
		want Page
	}{
		{"check_status;", Page{Kind: CheckStatus, Format: check.HTML}},
		{"check_status json;", Page{Kind: CheckStatus, Format: check.JSON}},
		{"stub_status;", Page{Kind: StubStatus}},
		{"stub_status on;", Page{Kind: StubStatus}},
		{"gw_status;", Page{Kind: GWStatus}},
		{"gw_status refresh=10s;", Page{Kind: GWStatus, Refresh: 10 * time.Second}},
		{"gw_metrics;", Page{Kind: Metrics}},
		{"gw_api;", Page{Kind: API, TransactionTimeout: DefaultTransactionTimeout}},
		{"gw_api transaction_timeout=30s;", Page{Kind: API, TransactionTimeout: 30 * time.Second}},
	} {
		p, err := parse(tc.src)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		p.Pos = parser.Pos{}
		if *p != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.src, *p, tc.want)
		}
	}
	for _, bad := range []string{"stub_status off;", "gw_status refresh=0;", "gw_status every=10s;", "gw_status refresh=x;", "check_status xml;",
		"gw_api transaction_timeout=0;", "gw_api timeout=1m;", "gw_api transaction_timeout=soon;"} {
		if _, err := parse(bad); err == nil || !strings.Contains(err.Error(), "t.conf:1:") {
			t.Errorf("%s: error %v, want a positioned one", bad, err)
		}
	}
}

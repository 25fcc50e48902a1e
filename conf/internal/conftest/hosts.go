package conftest

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/gw-proxy/gw/conf/address"
)

// Hosts makes address.LookupHost resolve each name of hosts (compared
// case-insensitively, as DNS does) to its addresses, in the order given,
// until t ends. Any other name fails, as nosuchhost.invalid does for real.
// Tests and golden files then depend neither on the machine's /etc/hosts
// nor on a network.
func Hosts(t testing.TB, hosts map[string][]string) {
	t.Helper()
	saved := address.LookupHost
	t.Cleanup(func() { address.LookupHost = saved })
	address.LookupHost = func(host string) ([]netip.Addr, error) {
		addrs, ok := hosts[strings.ToLower(host)]
		if !ok {
			return nil, errors.New("no such host")
		}
		out := make([]netip.Addr, len(addrs))
		for i, a := range addrs {
			out[i] = netip.MustParseAddr(a)
		}
		return out, nil
	}
}

package address

import (
	"context"
	"net"
	"net/netip"
)

// LookupHost resolves the host names of listen, upstream servers and
// proxy_pass. It is a variable so that tests can resolve names without a
// DNS server (conftest.Hosts).
var LookupHost = func(host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(context.Background(), "ip", host)
}

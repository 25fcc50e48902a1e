// Command gw-demo is a tiny application server for gw's README, `make run`
// and the end-to-end tests. Like the PHP page in the classic HAProxy
// write-ups, it answers with its own name and an application session: a
// PHPSESSID cookie created on the first visit and counted on later ones, so a
// person (or a test) can see at a glance whether persistence holds.
//
// Besides `/` it has a few endpoints the tests lean on:
//
//	/echo          the request as received: method, URI, headers
//	/slow?ms=N     answers after N milliseconds
//	/status?code=N answers with status N
//	/set-cookie?name=N&value=V[&attrs=...]  sets a cookie of the backend's own
//	/bytes?n=N[&length=1][&delay_ms=D]  streams N bytes
//	/upload        reads the body and answers with its size, framing and CRC-32
//	/ws            a WebSocket echo
//
// With -cert and -key it serves HTTPS, for gw's `proxy_pass https://`.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:9001", "address to listen on (port 0 picks a free one)")
	name := flag.String("name", "", "name this server answers with (default: the listen address)")
	cert := flag.String("cert", "", "TLS certificate file (serve HTTPS)")
	key := flag.String("key", "", "TLS key file")
	flag.Parse()

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("gw-demo: %v", err)
	}
	if *name == "" {
		*name = ln.Addr().String()
	}
	// The tests read this line to learn the port chosen for ":0".
	fmt.Printf("gw-demo %s listening on %s\n", *name, ln.Addr())

	srv := &http.Server{Handler: newApp(*name)}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
		<-sig
		srv.Close()
	}()
	if *cert != "" {
		err = srv.ServeTLS(ln, *cert, *key)
	} else {
		err = srv.Serve(ln)
	}
	if err != nil && err != http.ErrServerClosed {
		log.Fatalf("gw-demo: %v", err)
	}
}

// Command holdconns opens many idle HTTP/1.1 keep-alive connections to one
// address and holds them, for bench/mem.sh's memory figure: it sends one
// request on each connection, reads the whole response, and keeps the
// connection open without sending anything more until it receives SIGINT or
// SIGTERM or -hold passes.
//
// It prints "ready OPEN FAILED" on standard output once every connection has
// had its answer (or failed), so that a script can measure the server then.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "server address")
	n := flag.Int("n", 10000, "connections to open")
	path := flag.String("path", "/", "request path")
	parallel := flag.Int("parallel", 64, "connections being opened at once")
	hold := flag.Duration("hold", 5*time.Minute, "give up holding after this long")
	flag.Parse()

	req := []byte("GET " + *path + " HTTP/1.1\r\nHost: " + *addr + "\r\nUser-Agent: holdconns\r\n\r\n")
	conns := make([]net.Conn, *n)
	var failed atomic.Int64
	var firstErr sync.Once

	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < *parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				c, err := open(*addr, req)
				if err != nil {
					failed.Add(1)
					firstErr.Do(func() { fmt.Fprintln(os.Stderr, "holdconns:", err) })
					continue
				}
				conns[i] = c
			}
		}()
	}
	for i := range conns {
		next <- i
	}
	close(next)
	wg.Wait()
	fmt.Printf("ready %d %d\n", int64(*n)-failed.Load(), failed.Load())

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-sigs:
	case <-time.After(*hold):
	}
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
}

// open dials, sends req and reads the response; the connection is returned
// only if the server keeps it open.
func open(addr string, req []byte) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(req); err != nil {
		c.Close()
		return nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		c.Close()
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Close {
		c.Close()
		return nil, fmt.Errorf("%s closes the connection after one request", addr)
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

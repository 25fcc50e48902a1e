// Command reqs sends a fixed number of HTTP/1.1 GET requests over a few
// keep-alive connections and reads every response, for bench/instr.sh: the
// peer's instruction count is taken over exactly these requests. It exits
// with status 1, saying why, on the first failure or non-200 answer.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "server address")
	path := flag.String("path", "/", "request path")
	cookie := flag.String("cookie", "", "Cookie header to send, if any")
	n := flag.Int("n", 500, "requests per connection")
	conns := flag.Int("c", 4, "connections, used at the same time")
	flag.Parse()

	req := "GET " + *path + " HTTP/1.1\r\nHost: localhost\r\nUser-Agent: gw-bench-reqs\r\n"
	if *cookie != "" {
		req += "Cookie: " + *cookie + "\r\n"
	}
	req = req + "\r\n"

	errs := make(chan error, *conns)
	var wg sync.WaitGroup
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- run(*addr, req, *n)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			fmt.Fprintln(os.Stderr, "reqs:", err)
			os.Exit(1)
		}
	}
}

// run sends n requests one after another on one connection.
func run(addr, req string, n int) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	br := bufio.NewReader(c)
	for i := 0; i < n; i++ {
		if _, err := io.WriteString(c, req); err != nil {
			return fmt.Errorf("request %d: %w", i+1, err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return fmt.Errorf("response %d: %w", i+1, err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return fmt.Errorf("response %d body: %w", i+1, err)
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("response %d: status %d", i+1, resp.StatusCode)
		}
	}
	return nil
}

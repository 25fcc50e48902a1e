package main

import (
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// bytesChunk is what /bytes writes per call: one reused buffer, so a
// gigabyte download costs the demo server no memory.
var bytesChunk = make([]byte, 64<<10)

// bytesHandler streams n bytes (?n=N) without a Content-Length, or with one
// when ?length=1, and ?delay_ms=D between 64 KiB chunks, so tests can watch
// a slow response arrive piece by piece.
func (a *app) bytesHandler(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.ParseInt(r.URL.Query().Get("n"), 10, 64)
	delay, _ := strconv.Atoi(r.URL.Query().Get("delay_ms"))
	if r.URL.Query().Get("length") == "1" {
		w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	flusher, _ := w.(http.Flusher)
	for n > 0 {
		chunk := bytesChunk
		if int64(len(chunk)) > n {
			chunk = chunk[:n]
		}
		if _, err := w.Write(chunk); err != nil {
			return
		}
		n -= int64(len(chunk))
		if delay > 0 {
			if flusher != nil {
				flusher.Flush()
			}
			time.Sleep(time.Duration(delay) * time.Millisecond)
		}
	}
}

// upload reads the request body and answers with its size, how it was
// framed ("content-length N", "chunked" or "none") and its CRC-32, so tests
// can send large bodies through gw and check that every byte arrived, in
// order, the way gw had to send it.
func (a *app) upload(w http.ResponseWriter, r *http.Request) {
	sum := crc32.NewIEEE()
	n, err := io.Copy(sum, r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	framing := "none"
	switch {
	case len(r.TransferEncoding) > 0:
		framing = strings.Join(r.TransferEncoding, ", ")
	case r.Header.Get("Content-Length") != "":
		framing = "content-length " + r.Header.Get("Content-Length")
	}
	fmt.Fprintf(w, "server: %s\nreceived: %d\nframing: %s\ncrc32: %08x\n", a.name, n, framing, sum.Sum32())
}

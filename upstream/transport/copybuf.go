package transport

import "sync"

// copyBufSize is the read size of the copies gw makes itself (a flushing
// response body, a tunnel, an HTTP/1.0 body ended by close); fasthttp's
// own copies use its pooled 4 KiB buffers.
const copyBufSize = 16 << 10

var copyBufs = sync.Pool{New: func() any { b := make([]byte, copyBufSize); return &b }}

// CopyBuffer takes a copy buffer from the pool; give it back with
// PutCopyBuffer.
func CopyBuffer() *[]byte { return copyBufs.Get().(*[]byte) }

// PutCopyBuffer returns a buffer taken with CopyBuffer.
func PutCopyBuffer(b *[]byte) { copyBufs.Put(b) }

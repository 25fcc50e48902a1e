package body

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCreateTempFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	f, name, _, err := CreateTemp(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Errorf("%s still has its name: %v", name, err)
	}
	if base := filepath.Base(name); filepath.Dir(name) != dir || len(base) != 10 || strings.Trim(base, "0123456789") != "" {
		t.Errorf("name %q, want %s/ and ten digits", name, dir)
	}
	if _, err := f.WriteAt([]byte("body"), 0); err != nil {
		t.Errorf("the unlinked file cannot be written: %v", err)
	}
	// A name that exists is never opened: O_EXCL.
	taken := filepath.Join(dir, "taken")
	if err := os.WriteFile(taken, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := os.OpenFile(taken, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); !os.IsExist(err) {
		t.Errorf("O_EXCL on an existing name: %v", err)
	}
}

func TestSpoolReadsFileThenMemoryAndRewinds(t *testing.T) {
	f, _, _, err := CreateTemp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("0123456789"), 0); err != nil {
		t.Fatal(err)
	}
	s := Spool{f: f, fileLen: 10, Mem: []byte("abcdef")}
	defer s.Close()
	for round := range 2 {
		var got strings.Builder
		p := make([]byte, 3) // reads that straddle the file's end
		for {
			n, err := s.Read(p)
			got.Write(p[:n])
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if got.String() != "0123456789abcdef" || s.Size() != 16 {
			t.Errorf("round %d read %q (size %d)", round, got.String(), s.Size())
		}
		s.Rewind()
	}
	// A file shorter than what was written to it is an error, not an
	// early end.
	s.fileLen = 20
	if _, err := io.Copy(io.Discard, &s); err != io.ErrUnexpectedEOF || s.Err == nil {
		t.Errorf("short file: %v", err)
	}
}

// TestSpoolFill: a body up to the limit stays in memory; beyond it, whole
// buffers go to the file and the rest stays in memory; reading gives the
// body back in order.
func TestSpoolFill(t *testing.T) {
	for _, n := range []int{0, 100, spoolChunkMin, spoolChunkMin + 1, 3*spoolChunkMin + 7} {
		want := strings.Repeat("0123456789", n/10+1)[:n]
		var b Reader
		b.Reset(strings.NewReader(want), 0)
		var s Spool
		mem, err := s.Fill(&b, nil, spoolChunkMin, t.TempDir())
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if cap(mem) > spoolChunkMin {
			t.Errorf("%d bytes: memory grew to %d, past the limit", n, cap(mem))
		}
		if s.InFile() != (n > spoolChunkMin) || s.Size() != int64(n) {
			t.Errorf("%d bytes: in file %v, size %d", n, s.InFile(), s.Size())
		}
		got, err := io.ReadAll(&s)
		if err != nil || string(got) != want {
			t.Errorf("%d bytes: read back %d bytes, %v", n, len(got), err)
		}
		s.Close()
	}
}

// TestSpoolFillErrors: a client over the limit is the client's failure;
// a directory that cannot be made is a FileError naming mkdir().
func TestSpoolFillErrors(t *testing.T) {
	var b Reader
	b.Reset(strings.NewReader(strings.Repeat("x", 100)), 10)
	var s Spool
	if _, err := s.Fill(&b, nil, spoolChunkMin, t.TempDir()); err != ErrTooLarge || b.Err != ErrTooLarge {
		t.Errorf("over client_max_body_size: %v", err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	b.Reset(strings.NewReader(strings.Repeat("x", 2*spoolChunkMin)), 0)
	_, err := s.Fill(&b, nil, spoolChunkMin, filepath.Join(file, "sub"))
	var fe *FileError
	if !errors.As(err, &fe) || fe.Call != "mkdir()" && fe.Call != "open()" {
		t.Errorf("temp dir under a file: %v", err)
	}
}

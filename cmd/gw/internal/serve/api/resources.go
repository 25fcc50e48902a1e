package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gw-proxy/gw/conf/edit"
)

// op is one configuration call resolved from its path and method: run
// applies it to files and returns the answer's body (nil: 204) and, for a
// write, what it changed in the audit log's words.
type op struct {
	write bool
	run   func(f *edit.Files, body []byte) (out any, change string, err error)
}

// route maps /api/v1/configuration/<res...> and a method to its op. The
// resources follow nginx's language: upstreams hold servers, server blocks
// (the Data Plane API's frontends and binds) hold locations (its backend
// switching rules). Upstreams are named, their servers by the id the
// run-time calls use, server blocks and locations by their place, as the
// Data Plane API numbers its switching rules.
func route(res []string, method string) (*op, error) {
	notFound := failf(http.StatusNotFound, "no such resource: /api/v1/configuration/%s", strings.Join(res, "/"))
	if len(res) == 0 {
		return nil, notFound
	}
	switch res[0] {
	case "upstreams":
		return upstreamRoute(res[1:], method, notFound)
	case "servers":
		return serverBlockRoute(res[1:], method, notFound)
	}
	return nil, notFound
}

func upstreamRoute(res []string, method string, notFound error) (*op, error) {
	switch len(res) {
	case 0:
		return methods(method, map[string]*op{
			"GET": read(func(f *edit.Files) (any, error) { return f.Upstreams() }),
			"POST": write(func(f *edit.Files, body []byte) (any, string, error) {
				var u edit.Upstream
				if err := decode(body, &u); err != nil {
					return nil, "", err
				}
				if err := f.AddUpstream(u); err != nil {
					return nil, "", err
				}
				out, err := f.Upstream(u.Name)
				return out, fmt.Sprintf("added upstream %s", u.Name), err
			}),
		})
	case 1:
		name := res[0]
		return methods(method, map[string]*op{
			"GET": read(func(f *edit.Files) (any, error) { return f.Upstream(name) }),
			"PUT": write(func(f *edit.Files, body []byte) (any, string, error) {
				var u edit.Upstream
				if err := decode(body, &u); err != nil {
					return nil, "", err
				}
				if err := f.ReplaceUpstream(name, u); err != nil {
					return nil, "", err
				}
				out, err := f.Upstream(name)
				return out, fmt.Sprintf("replaced upstream %s", name), err
			}),
			"DELETE": write(func(f *edit.Files, _ []byte) (any, string, error) {
				return nil, fmt.Sprintf("deleted upstream %s", name), f.DeleteUpstream(name)
			}),
		})
	case 2, 3:
		if res[1] != "servers" {
			return nil, notFound
		}
		return upstreamServerRoute(res[0], res[2:], method)
	}
	return nil, notFound
}

func upstreamServerRoute(up string, res []string, method string) (*op, error) {
	if len(res) == 0 {
		return methods(method, map[string]*op{
			"GET": read(func(f *edit.Files) (any, error) { return f.Servers(up) }),
			"POST": write(func(f *edit.Files, body []byte) (any, string, error) {
				var s edit.Server
				if err := decode(body, &s); err != nil {
					return nil, "", err
				}
				id, err := f.AddServer(up, s)
				if err != nil {
					return nil, "", err
				}
				out, err := serverByID(f, up, id)
				return out, fmt.Sprintf("added server %s to upstream %s", id, up), err
			}),
		})
	}
	id := res[0]
	return methods(method, map[string]*op{
		"GET": read(func(f *edit.Files) (any, error) { return serverByID(f, up, id) }),
		"PUT": write(func(f *edit.Files, body []byte) (any, string, error) {
			var s edit.Server
			if err := decode(body, &s); err != nil {
				return nil, "", err
			}
			if err := f.ReplaceServer(up, id, s); err != nil {
				return nil, "", err
			}
			// The id follows the address (or id=) written, which a
			// replace may change: answer with the server where it was.
			out, err := serverAt(f, up, id, s)
			return out, fmt.Sprintf("replaced server %s of upstream %s", id, up), err
		}),
		"DELETE": write(func(f *edit.Files, _ []byte) (any, string, error) {
			return nil, fmt.Sprintf("deleted server %s of upstream %s", id, up), f.DeleteServer(up, id)
		}),
	})
}

func serverBlockRoute(res []string, method string, notFound error) (*op, error) {
	if len(res) == 0 {
		return methods(method, map[string]*op{
			"GET": read(func(f *edit.Files) (any, error) { return f.ServerBlocks() }),
			"POST": write(func(f *edit.Files, body []byte) (any, string, error) {
				var b edit.ServerBlock
				if err := decode(body, &b); err != nil {
					return nil, "", err
				}
				i, err := f.AddServerBlock(b)
				if err != nil {
					return nil, "", err
				}
				out, err := f.ServerBlock(i)
				return out, fmt.Sprintf("added server block %d (listen %s)", i, strings.Join(b.Listen, ", ")), err
			}),
		})
	}
	i, err := position(res[0])
	if err != nil {
		return nil, notFound
	}
	switch {
	case len(res) == 1:
		return methods(method, map[string]*op{
			"GET": read(func(f *edit.Files) (any, error) { return f.ServerBlock(i) }),
			"PUT": write(func(f *edit.Files, body []byte) (any, string, error) {
				var b edit.ServerBlock
				if err := decode(body, &b); err != nil {
					return nil, "", err
				}
				if err := f.ReplaceServerBlock(i, b); err != nil {
					return nil, "", err
				}
				out, err := f.ServerBlock(i)
				return out, fmt.Sprintf("replaced server block %d", i), err
			}),
			"DELETE": write(func(f *edit.Files, _ []byte) (any, string, error) {
				return nil, fmt.Sprintf("deleted server block %d", i), f.DeleteServerBlock(i)
			}),
		})
	case res[1] == "locations" && len(res) <= 3:
		return locationRoute(i, res[2:], method, notFound)
	}
	return nil, notFound
}

func locationRoute(block int, res []string, method string, notFound error) (*op, error) {
	if len(res) == 0 {
		return methods(method, map[string]*op{
			"GET": read(func(f *edit.Files) (any, error) { return f.Locations(block) }),
			"POST": write(func(f *edit.Files, body []byte) (any, string, error) {
				var l edit.Location
				if err := decode(body, &l); err != nil {
					return nil, "", err
				}
				j, err := f.AddLocation(block, l)
				if err != nil {
					return nil, "", err
				}
				out, err := locationAt(f, block, j)
				return out, fmt.Sprintf("added location %q (%d) to server block %d", l.Match, j, block), err
			}),
		})
	}
	j, err := position(res[0])
	if err != nil {
		return nil, notFound
	}
	return methods(method, map[string]*op{
		"GET": read(func(f *edit.Files) (any, error) { return locationAt(f, block, j) }),
		"PUT": write(func(f *edit.Files, body []byte) (any, string, error) {
			var l edit.Location
			if err := decode(body, &l); err != nil {
				return nil, "", err
			}
			if err := f.ReplaceLocation(block, j, l); err != nil {
				return nil, "", err
			}
			out, err := locationAt(f, block, j)
			return out, fmt.Sprintf("replaced location %d of server block %d", j, block), err
		}),
		"DELETE": write(func(f *edit.Files, _ []byte) (any, string, error) {
			return nil, fmt.Sprintf("deleted location %d of server block %d", j, block), f.DeleteLocation(block, j)
		}),
	})
}

func read(fn func(*edit.Files) (any, error)) *op {
	return &op{run: func(f *edit.Files, _ []byte) (any, string, error) {
		out, err := fn(f)
		return out, "", err
	}}
}

func write(fn func(*edit.Files, []byte) (any, string, error)) *op {
	return &op{write: true, run: fn}
}

// methods picks the op for method, or answers 405 naming those allowed.
func methods(method string, ops map[string]*op) (*op, error) {
	if o, ok := ops[method]; ok {
		return o, nil
	}
	allowed := make([]string, 0, len(ops))
	for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
		if ops[m] != nil {
			allowed = append(allowed, m)
		}
	}
	return nil, &apiError{Status: http.StatusMethodNotAllowed, Allow: strings.Join(allowed, ", "),
		Message: fmt.Sprintf("method %s not allowed here", method)}
}

// decode reads a JSON body strictly: an unknown field is a typo the
// operator wants to hear about, not a setting silently dropped.
func decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return failf(http.StatusBadRequest, "a JSON body is required")
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return failf(http.StatusBadRequest, "bad JSON: %s", jsonError(err))
	}
	return nil
}

func position(s string) (int, error) {
	i, err := strconv.Atoi(s)
	if err != nil || i < 0 || strconv.Itoa(i) != s {
		return 0, fmt.Errorf("not an index: %q", s)
	}
	return i, nil
}

func serverByID(f *edit.Files, up, id string) (edit.Server, error) {
	servers, err := f.Servers(up)
	if err != nil {
		return edit.Server{}, err
	}
	for _, s := range servers {
		if s.ID == id {
			return s, nil
		}
	}
	return edit.Server{}, fmt.Errorf("server %q in upstream %q: %w", id, up, edit.ErrNotFound)
}

// serverAt finds a replaced server: by its old id, else by the address it
// was given.
func serverAt(f *edit.Files, up, id string, s edit.Server) (edit.Server, error) {
	if out, err := serverByID(f, up, id); err == nil {
		return out, nil
	}
	servers, err := f.Servers(up)
	if err != nil {
		return edit.Server{}, err
	}
	for _, got := range servers {
		if got.Address == s.Address {
			return got, nil
		}
	}
	return edit.Server{}, fmt.Errorf("server %q in upstream %q: %w", id, up, edit.ErrNotFound)
}

func locationAt(f *edit.Files, block, j int) (edit.Location, error) {
	locs, err := f.Locations(block)
	if err != nil {
		return edit.Location{}, err
	}
	if j >= len(locs) {
		return edit.Location{}, fmt.Errorf("location %d of server block %d: %w", j, block, edit.ErrNotFound)
	}
	return locs[j], nil
}

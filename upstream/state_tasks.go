package upstream

import (
	"context"
	"sync"
)

// Work that belongs to a server rather than to a configuration (an active
// health checker, a connection to a shared session store) must outlive the
// reloads that keep the server and end with the reload that drops it. It
// is bound to the server's PeerState: the state lives in the StateStore as
// long as some configuration has the server, and Retain stops its tasks
// when none does.

// peerTasks are the background tasks of one server, by name.
type peerTasks struct {
	mu      sync.Mutex
	ctx     context.Context // done when the server leaves the configuration
	cancel  context.CancelFunc
	running map[string]chan struct{} // closed when the task returns
	stopped bool
}

// Task runs fn in the background for as long as the server stays in the
// configuration: fn's context is cancelled when a reload (StateStore.Retain)
// or the shutdown (StateStore.Close) forgets the server. The first runtime
// that has the server starts the task; a reload that keeps it calls Task
// again and finds it running, so it is started only once per name. Task
// reports whether it started fn. A task that returns may be started again.
func (s *PeerState) Task(name string, fn func(ctx context.Context)) bool {
	t := &s.tasks
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return false
	}
	if t.ctx == nil {
		t.ctx, t.cancel = context.WithCancel(context.Background())
		t.running = map[string]chan struct{}{}
	}
	if done, ok := t.running[name]; ok {
		select {
		case <-done:
		default:
			return false // running
		}
	}
	done := make(chan struct{})
	t.running[name] = done
	go func() {
		defer close(done)
		fn(t.ctx)
	}()
	return true
}

// Running reports whether the task called name runs.
func (s *PeerState) Running(name string) bool {
	t := &s.tasks
	t.mu.Lock()
	done, ok := t.running[name]
	t.mu.Unlock()
	if !ok {
		return false
	}
	select {
	case <-done:
		return false
	default:
		return true
	}
}

// stop cancels the tasks' context; no task starts after it.
func (t *peerTasks) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	if t.cancel != nil {
		t.cancel()
	}
}

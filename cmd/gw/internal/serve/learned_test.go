package serve

import "testing"

func TestRedactedStoreURL(t *testing.T) {
	for in, want := range map[string]string{
		"redis://gw:secret@10.0.0.5:6379/0": "redis://gw:xxxxx@10.0.0.5:6379/0",
		"redis://10.0.0.5:6379/2":           "redis://10.0.0.5:6379/2",
	} {
		if got := redacted(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

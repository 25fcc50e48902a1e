package tests

import (
	"context"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The status page as an operator sees it: headless Chromium loads it, the
// test reads the rendered DOM, clicks a header to sort, and takes a
// screenshot. GW_SCREENSHOT=1 also copies the screenshot to
// docs/gw_status.png, the picture the README shows.

// browserPath returns a Chromium or Chrome binary on PATH, "" when there
// is none. GW_CHROME names another.
func browserPath() string {
	if p := os.Getenv("GW_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser starts a headless browser for the test and returns its tab's
// context, with the page at url loaded and its server tables shown.
// credentials, "user:password" or "", are sent as basic authentication on
// every request: the hook for a status page behind auth_basic.
func browser(t *testing.T, url, credentials string) context.Context {
	t.Helper()
	bin := browserPath()
	if bin == "" {
		t.Skip("no chromium, chromium-browser or google-chrome on PATH (apt-get install chromium): skipping the browser test")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox refuses to start
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1920, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancelTimeout)
	var steps []chromedp.Action[chromedp.Void]
	if credentials != "" {
		auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(credentials))
		steps = append(steps, chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tab, network.Enable, network.EnableParams{}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tab, network.SetExtraHTTPHeaders,
				network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Authorization": auth}})
			return err
		}))
	}
	steps = append(steps, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("table.servers")))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser on %s: %v", url, err)
	}
	return ctx
}

// run runs one action of the browser and returns its value.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// browserRow is a server row as the browser rendered it.
type browserRow struct {
	Server string `json:"server"`
	State  string `json:"state"`
	Text   string `json:"text"`  // the state cell's text
	Color  string `json:"color"` // the state badge's computed background
}

const readRows = `Array.from(document.querySelectorAll('table.servers tbody tr')).map(function (r) {
	var badge = r.querySelector('.state');
	return {server: r.dataset.server, state: r.dataset.state, text: badge.textContent, color: getComputedStyle(badge).backgroundColor};
})`

func TestGWStatusInABrowser(t *testing.T) {
	if browserPath() == "" {
		t.Skip("no chromium, chromium-browser or google-chrome on PATH (apt-get install chromium): skipping the browser test")
	}
	f := startStatusFleet(t)
	// The page is behind auth_basic, as an operator would keep it.
	if r := get(t, f.gw, "", "/gw-private"); r.status != 401 || r.header.Get("WWW-Authenticate") != `Basic realm="gw status"` {
		t.Fatalf("without credentials: %d %q", r.status, r.header.Get("WWW-Authenticate"))
	}
	ctx := browser(t, "http://"+f.gw+"/gw-private", statusUser+":"+statusPassword)
	before := run(t, ctx, chromedp.Evaluate[[]browserRow](readRows))
	version := run(t, ctx, chromedp.Text(chromedp.CSS("#version")))
	png := run(t, ctx, chromedp.FullScreenshot(100))
	// The state header sorts the most urgent first: DOWN, FAILED, MAINT,
	// DRAIN, BACKUP, UP.
	run(t, ctx, chromedp.Click(chromedp.Search(`//table[contains(@class,"servers")]//th[normalize-space()="State"]`)))
	sorted := run(t, ctx, chromedp.Evaluate[[]browserRow](readRows))

	colors := map[string]string{ // the page's CSS, as getComputedStyle reports it
		"UP": "rgb(30, 142, 62)", "DOWN": "rgb(217, 48, 37)", "DRAIN": "rgb(26, 115, 232)",
		"BACKUP": "rgb(142, 68, 173)", "MAINT": "rgb(128, 134, 139)",
	}
	want := map[string]string{f.a: "UP", f.b: "DOWN", f.c: "DRAIN", f.d: "BACKUP", f.e: "MAINT"}
	if len(before) != len(want) {
		t.Fatalf("%d server rows, want %d: %+v", len(before), len(want), before)
	}
	for _, r := range before {
		if r.State != want[r.Server] || r.Text != r.State || r.Color != colors[r.State] {
			t.Errorf("row of %s: %+v, want %s in %s", r.Server, r, want[r.Server], colors[want[r.Server]])
		}
	}
	if version == "" {
		t.Error("no version shown")
	}
	if len(sorted) == 0 || sorted[0].Server != f.b || sorted[len(sorted)-1].State != "UP" {
		t.Errorf("sorted by state: %+v, want b's DOWN row first and UP last", sorted)
	}

	shot := filepath.Join(t.TempDir(), "gw_status.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", shot, len(png))
	if os.Getenv("GW_SCREENSHOT") == "1" {
		docs := filepath.Join("..", "docs", "gw_status.png")
		if err := os.MkdirAll(filepath.Dir(docs), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(docs, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot copied to %s", docs)
	}
}

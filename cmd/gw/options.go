package main

import (
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/gw-proxy/gw/conf"
)

// defaultConfFile is nginx's conf/nginx.conf, renamed.
const defaultConfFile = "conf/gw.conf"

// loadOptions resolves -p, -c and -g the way nginx does: the prefix defaults
// to the current directory, and a relative -c is relative to the prefix.
func loadOptions(c *cli.Context) (conf.LoadOptions, error) {
	prefix := c.String("p")
	if prefix == "" {
		wd, err := os.Getwd()
		if err != nil {
			return conf.LoadOptions{}, err
		}
		prefix = wd
	}
	prefix, err := filepath.Abs(prefix)
	if err != nil {
		return conf.LoadOptions{}, err
	}
	file := c.String("c")
	if file == "" {
		file = defaultConfFile
	}
	if !filepath.IsAbs(file) {
		file = filepath.Join(prefix, file)
	}
	return conf.LoadOptions{Prefix: prefix, File: file, Globals: c.String("g")}, nil
}

// Package logs is the configuration of gw's logs: error_log (one file and
// a level), log_format and access_log, read with nginx's checks and words.
// It is plain data and pure parsing; the serving runtime opens the files
// and writes the lines.
package logs

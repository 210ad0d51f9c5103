// crashsig-syzbench: syzkaller's own report parser (pkg/report) timed on the
// same logs as bench/bench_classify, for bench/bench_compare.sh.
//
// usage (from a syzkaller checkout, which bench_compare.sh copies this file
// into): go run ./tools/crashsig-syzbench -n ROUNDS FILE_OR_DIR...
//
// Like bench_classify it reads every log into memory first (the headers of
// annotated corpus files, up to the first blank line, are skipped), then parses
// all of them ROUNDS times with one Reporter and prints the median round as
// reports/s and MB/s. Each log is parsed to its end: Parse on what follows the
// previous report, as syzkaller's ParseAll does.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/google/syzkaller/pkg/mgrconfig"
	"github.com/google/syzkaller/pkg/report"
	"github.com/google/syzkaller/sys/targets"
)

func readLog(path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	if bytes.HasPrefix(data, []byte("TITLE:")) || bytes.HasPrefix(data, []byte("#")) ||
		bytes.HasPrefix(data, []byte("TYPE:")) || bytes.HasPrefix(data, []byte("\n")) {
		if i := bytes.Index(data, []byte("\n\n")); i >= 0 {
			data = data[i+2:]
		} else if data[0] == '\n' {
			data = data[1:]
		}
	}
	return data
}

func main() {
	rounds := flag.Int("n", 5, "rounds")
	flag.Parse()
	var logs [][]byte
	var total int
	for _, arg := range flag.Args() {
		files := []string{arg}
		if st, err := os.Stat(arg); err == nil && st.IsDir() {
			ents, _ := os.ReadDir(arg)
			files = files[:0]
			for _, e := range ents {
				if !e.IsDir() {
					files = append(files, filepath.Join(arg, e.Name()))
				}
			}
			sort.Strings(files)
		}
		for _, f := range files {
			if d := readLog(f); d != nil {
				logs = append(logs, d)
				total += len(d)
			}
		}
	}
	cfg := &mgrconfig.Config{Derived: mgrconfig.Derived{
		TargetOS: targets.Linux, TargetArch: targets.AMD64,
		SysTarget: targets.Get(targets.Linux, targets.AMD64),
	}}
	reporter, err := report.NewReporter(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var times []float64
	reports := 0
	for r := 0; r < *rounds; r++ {
		n := 0
		start := time.Now()
		for _, d := range logs {
			for rest := d; len(rest) > 0; {
				rep := reporter.Parse(rest)
				if rep == nil {
					break
				}
				n++
				end := rep.EndPos
				if rep.SkipPos > end {
					end = rep.SkipPos
				}
				if end <= 0 || end > len(rest) {
					break
				}
				rest = rest[end:]
			}
		}
		times = append(times, time.Since(start).Seconds())
		reports = n
	}
	sort.Float64s(times)
	med := times[len(times)/2]
	fmt.Printf("syzkaller: %d logs, %d bytes, %d reports per round; median round %.2f ms = %.0f reports/s, %.1f MB/s\n",
		len(logs), total, reports, med*1e3, float64(reports)/med, float64(total)/med/1e6)
}

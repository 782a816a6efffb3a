package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// machine says where the figures were measured; without it they mean nothing.
type machine struct {
	CPU     string
	Cores   int
	Memory  string
	Kernel  string
	Go      string
	Commit  string
	Survey  string // the binary's own version line
	Started string
}

func describeMachine(bin string) machine {
	m := machine{
		CPU:    procField("/proc/cpuinfo", "model name"),
		Cores:  runtime.NumCPU(),
		Memory: memory(procField("/proc/meminfo", "MemTotal")),
		Go:     runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		Commit: commit(),
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if out, err := exec.Command(bin, "version").Output(); err == nil {
		m.Survey = strings.TrimSpace(string(out))
	}
	return m
}

// procField returns the value of the first "key: value" line of a /proc file.
func procField(file, key string) string {
	f, err := os.Open(file)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		k, v, ok := strings.Cut(s.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// memory turns /proc/meminfo's "24683584 kB" into "23.5 GiB".
func memory(kb string) string {
	n, err := strconv.ParseFloat(strings.TrimSuffix(kb, " kB"), 64)
	if err != nil {
		return kb
	}
	return fmt.Sprintf("%.1f GiB", n/(1<<20))
}

// commit names the tree measured, saying so when it differs from the commit.
func commit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown (not a git checkout)"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain").Output(); err == nil && len(st) > 0 {
		c += " with uncommitted changes"
	}
	return c
}

// cpuSample is the machine's CPU time so far and the part this process and its waited-for
// children (the servers) used, so a run can tell how much other processes took: on a shared
// machine they would make the figures low, and the report says so.
type cpuSample struct {
	busy, total time.Duration
	own         time.Duration
}

// clockTick is USER_HZ, the unit of /proc/stat: 100 on every Linux architecture Go runs on.
const clockTick = 10 * time.Millisecond

func sampleCPU() cpuSample {
	var s cpuSample
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return s
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	for i := 1; i < len(f) && i <= 8; i++ {
		n, _ := strconv.ParseInt(f[i], 10, 64)
		s.total += time.Duration(n) * clockTick
		if i != 4 && i != 5 { // idle and iowait
			s.busy += time.Duration(n) * clockTick
		}
	}
	s.own = rusage(syscall.RUSAGE_SELF) + rusage(syscall.RUSAGE_CHILDREN)
	return s
}

// ownCPU is the CPU time this process has used so far.
func ownCPU() time.Duration { return rusage(syscall.RUSAGE_SELF) }

func rusage(who int) time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(who, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// othersShare is the share of the machine's CPU that other processes used between a and b.
func othersShare(a, b cpuSample) float64 {
	if b.total <= a.total {
		return 0
	}
	return max(0, float64((b.busy-a.busy)-(b.own-a.own))/float64(b.total-a.total))
}

// loadAverage is the one-minute load average from /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(b))[0]
}

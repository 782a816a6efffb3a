package scoring

import (
	"cmp"
	"crypto/sha256"
	"slices"
	"time"
)

// BurstWindow is how close together the submissions of different firms from one client must be
// to count as one peer. Creating and submitting assessments is free, so without it anyone could
// fill a cohort around one real firm with firms of their own and read that firm's scores off
// the benchmark; with it, one address adds at most one peer a day. Of a run of submissions from
// one client each less than BurstWindow after the one before, only the last counts; a firm's
// earlier submissions never count anyway (Population.Add). Firms that share an address (a
// chamber seminar, a carrier's NAT) and submit on the same day count as one too: the benchmark
// then undercounts them, which is the safe side.
const BurstWindow = 24 * time.Hour

// client is the key of a submitting client in the population: a hash of Peer.Client, so that a
// member holds 16 bytes, not another string for the collector to trace, whatever the form of the
// stored key. The zero value is no client.
type client [16]byte

func clientOf(s string) client {
	var c client
	if s != "" {
		sum := sha256.Sum256([]byte(s))
		copy(c[:], sum[:])
	}
	return c
}

// burstRef is a firm's latest submission in its client's list.
type burstRef struct {
	at, seq int64
	firm    string
}

func compareRefs(a, b burstRef) int {
	return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.seq, b.seq), cmp.Compare(a.firm, b.firm))
}

// stands says whether the submission at i of a client's list counts: no later one of the list
// came within BurstWindow.
func stands(list []burstRef, i int) bool {
	return i == len(list)-1 || list[i+1].at-list[i].at >= int64(BurstWindow)
}

// join makes m the firm's latest submission among the peers: counted, unless a later submission
// from its client stands for it, and standing in turn for the one from its client before it.
// Each step is one fold, so a join takes O(log) steps per cohort and metric plus the copy of
// the client's list.
func (p *Population) join(firm string, m member) {
	if m.client == (client{}) {
		p.fold(m, 1)
		return
	}
	list := p.bursts[m.client]
	ref := burstRef{m.at, m.seq, firm}
	i, _ := slices.BinarySearchFunc(list, ref, compareRefs)
	before := i > 0 && stands(list, i-1)
	list = slices.Insert(list, i, ref)
	p.bursts[m.client] = list
	if before && !stands(list, i-1) {
		p.fold(p.latest[list[i-1].firm], -1)
	}
	if stands(list, i) {
		p.fold(m, 1)
	}
}

// leave undoes join: m, the firm's latest submission until now, stops counting, and the
// submission from its client before it counts again if nothing else stands for it.
func (p *Population) leave(firm string, m member) {
	if m.client == (client{}) {
		p.fold(m, -1)
		return
	}
	list := p.bursts[m.client]
	i, found := slices.BinarySearchFunc(list, burstRef{m.at, m.seq, firm}, compareRefs)
	if !found {
		return
	}
	if stands(list, i) {
		p.fold(m, -1)
	}
	before := i > 0 && stands(list, i-1)
	list = slices.Delete(list, i, i+1)
	if i > 0 && !before && stands(list, i-1) {
		p.fold(p.latest[list[i-1].firm], 1)
	}
	if len(list) == 0 {
		delete(p.bursts, m.client)
		return
	}
	p.bursts[m.client] = list
}

// counted says whether m, the firm's latest submission, counts among the peers.
func (p *Population) counted(firm string, m member) bool {
	if m.client == (client{}) {
		return true
	}
	list := p.bursts[m.client]
	i, found := slices.BinarySearchFunc(list, burstRef{m.at, m.seq, firm}, compareRefs)
	return found && stands(list, i)
}

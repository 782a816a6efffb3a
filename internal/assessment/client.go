package assessment

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
)

// clientPrefixV6 is how much of an IPv6 address identifies one client. A subscriber or a
// hosting customer is commonly given a /48 (at least a /56 or /64), so a finer key would let one
// of them submit as 65,536 clients. Firms sharing a /48 and submitting on the same day count
// as one peer: the benchmark undercounts them, the safe side. (The rate limits key IPv6 by /64:
// there, wrongly sharing a budget costs a respondent its request.)
const clientPrefixV6 = 48

// ClientKeySize is the length of the key of the client hashes, in bytes.
const ClientKeySize = 32

// clientHashes computes the keyed hash a submission records in place of its client's address.
type clientHashes struct{ key []byte }

// newClientHashes uses key, or, when it is empty (the command-line tools, tests), a random key
// of this process alone.
func newClientHashes(key []byte) clientHashes {
	if len(key) == 0 {
		key = make([]byte, ClientKeySize)
		_, _ = rand.Read(key) // never fails (crypto/rand)
	}
	return clientHashes{key: key}
}

// derive returns a key for another use of the secret, named by purpose.
func (h clientHashes) derive(purpose string) []byte {
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte("esready " + purpose))
	return mac.Sum(nil)
}

// of returns the hash of a client address as the server resolved it (gin's ClientIP, which
// honours forwarding headers from trusted proxies only): HMAC-SHA-256 under the server's key,
// truncated to 128 bits, of the IPv4 address or the IPv6 /48. Without the key the address
// cannot be recovered from the hash; with it, the 2³² IPv4 addresses could be tried one by one,
// which is why the key lives in a file of its own, outside the database and its backups.
// Something that is not an address is hashed as given; "" (no client: the command-line tools) gives "", which the
// benchmark counts as a client of its own.
func (h clientHashes) of(addr string) string {
	if addr == "" {
		return ""
	}
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte(clientID(addr)))
	return hex.EncodeToString(mac.Sum(nil)[:16])
}

// clientID is what of hashes: "4:" and the address, "6:" and the /48, or "?:" and the text.
func clientID(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return "?:" + addr
	}
	a = a.Unmap()
	if a.Is4() {
		return "4:" + a.String()
	}
	p, _ := a.WithZone("").Prefix(clientPrefixV6)
	return "6:" + p.String()
}

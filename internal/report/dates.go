package report

import "time"

// Japan is the time zone of the reports' dates, whatever the server's: a firm in Japan reads
// the day it is in Japan. Japan keeps no daylight saving time, so a fixed offset is exact and
// needs no time-zone database on the machine.
var Japan = time.FixedZone("JST", 9*60*60)

// Day writes the date of t in Japan, the Japanese way in Japanese (2026年12月1日) and as
// 2026-12-01 in English.
func Day(lang string, t time.Time) string {
	t = t.In(Japan)
	if lang == "en" {
		return t.Format("2006-01-02")
	}
	return t.Format("2006年1月2日")
}

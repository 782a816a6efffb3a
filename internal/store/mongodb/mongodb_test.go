package mongodb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/esready/esready/internal/assessment"
	"github.com/esready/esready/internal/questionnaire"
	"github.com/esready/esready/internal/scoring"
	"github.com/esready/esready/internal/store/mongodb/ferrettest"
	"github.com/esready/esready/internal/store/storetest"
)

// envURI names a real MongoDB for the tests; each test uses a database of its own and drops it.
const envURI = "SURVEY_TEST_MONGODB_URI"

// ferretSkips are the conformance cases FerretDB v1 cannot pass, with the reason.
var ferretSkips = map[string]string{
	"ManySubmissions": "FerretDB v1's SQLite backend scans the whole collection for every update " +
		"filtered on more than _id (DESIGN.md, Storage): 2,000 submissions took 612 s even without -race; " +
		"SubmissionsPaging covers the paging on FerretDB, a real MongoDB (" + envURI + ") runs this case",
}

// server is a MongoDB-compatible server the tests open stores on.
type server struct {
	uri  string
	real bool // a real MongoDB, not FerretDB
}

// servers returns FerretDB, started in this process, and the real MongoDB when envURI is set.
func servers(t *testing.T) map[string]server {
	t.Helper()
	out := map[string]server{"FerretDB": {uri: ferrettest.Start(t, nil)}}
	if uri := os.Getenv(envURI); uri != "" {
		out["MongoDB"] = server{uri: uri, real: true}
	}
	return out
}

var dbSeq atomic.Int64

// open opens a store on a fresh database of srv, dropped (on a real MongoDB) and closed when
// t ends.
func (srv server) open(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("esready_test_%d", dbSeq.Add(1))
	if srv.real {
		var b [4]byte
		_, _ = rand.Read(b[:])
		name += "_" + hex.EncodeToString(b[:]) // runs sharing a server do not collide
	}
	s, err := Open(ctx, Options{URI: srv.uri, Database: name, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	t.Cleanup(func() {
		if srv.real {
			if err := s.db.Drop(ctx); err != nil {
				t.Errorf("drop %s: %v", name, err)
			}
		}
		if err := s.Close(ctx); err != nil {
			t.Errorf("close %s: %v", name, err)
		}
	})
	return s
}

func TestConformanceFerretDB(t *testing.T) {
	srv := server{uri: ferrettest.Start(t, nil)}
	storetest.RunTests(t, func(t *testing.T) storetest.Store { return srv.open(t) }, storetest.Options{Skip: ferretSkips})
}

func TestConformanceMongoDB(t *testing.T) {
	uri := os.Getenv(envURI)
	if uri == "" {
		t.Skip(envURI + " not set: no real MongoDB to test against")
	}
	srv := server{uri: uri, real: true}
	storetest.RunTests(t, func(t *testing.T) storetest.Store { return srv.open(t) }, storetest.Options{})
}

func TestOpenUnreachableMongoDBFails(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	// Port 1 on loopback: nothing listens there, so server selection fails within the deadline.
	_, err := Open(ctx, Options{URI: "mongodb://user:secret@127.0.0.1:1/?serverSelectionTimeoutMS=500", Database: "x"})
	if err == nil {
		t.Fatal("Open succeeded against a closed port")
	}
	if msg := err.Error(); !strings.Contains(msg, "127.0.0.1:1") || strings.Contains(msg, "secret") {
		t.Errorf("error should name the host and hide the password: %q", msg)
	}
}

func TestDescribe(t *testing.T) {
	got := redact("mongodb://app:s3cret@db1.example.jp:27017,db2.example.jp:27017/esready?replicaSet=rs0")
	want := "mongodb://app@db1.example.jp:27017,db2.example.jp:27017/esready?replicaSet=rs0"
	if got != want {
		t.Errorf("redact = %q, want %q", got, want)
	}
	s := (server{uri: ferrettest.Start(t, nil)}).open(t)
	if d := s.Describe(); !strings.HasPrefix(d, "MongoDB (mongodb://127.0.0.1:") || !strings.HasSuffix(d, ")") {
		t.Errorf("Describe() = %q", d)
	}
}

// TestAssignMissingSeqs leaves submissions as a crash inside MarkSubmitted would, writing the
// documents through a driver client of its own, and checks that opening the store numbers
// them all, once.
func TestAssignMissingSeqs(t *testing.T) {
	for name, srv := range servers(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := srv.open(t)
			raw, err := mongo.Connect(options.Client().ApplyURI(srv.uri))
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Disconnect(ctx)
			assessments := raw.Database(s.db.Name()).Collection(colAssessments)

			when := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
			overall := 48.5
			newRow := func(id string) assessment.Submission {
				return assessment.Submission{
					AssessmentID: id, FirmKey: id, QuestionnaireID: "esr", Version: 1, SizeBand: "sme",
					Sector: "retail", Prefecture: "osaka", SubmittedAt: when, Overall: &overall,
					Domains: map[string]float64{"governance": 48.5}, Choices: questionnaire.Answers{"q": "a"},
				}
			}
			for _, id := range []string{"normal", "after-step-1", "after-step-2"} {
				a := assessment.Assessment{ID: id, QuestionnaireID: "esr", Version: 1, Status: assessment.StatusDraft,
					Answers: questionnaire.Answers{"q": "a"}, CreatedAt: when, UpdatedAt: when, FirmKey: id}
				if err := s.CreateAssessment(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			if seq, err := s.MarkSubmitted(ctx, "normal", 0, scoring.Result{}, newRow("normal")); err != nil || seq != 1 {
				t.Fatalf("MarkSubmitted(normal) = %d, %v; want 1", seq, err)
			}

			// Step 1 of MarkSubmitted only, as a crash would leave it.
			for _, id := range []string{"after-step-1", "after-step-2"} {
				sub, err := submissionToDoc(newRow(id))
				if err != nil {
					t.Fatal(err)
				}
				_, err = assessments.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{
					{Key: "status", Value: "submitted"}, {Key: "submitted_at", Value: when}, {Key: "updated_at", Value: when},
					{Key: "result", Value: "{}"}, {Key: "sub", Value: sub},
				}}})
				if err != nil {
					t.Fatal(err)
				}
			}
			// Step 2 too for one of them: its sequence (2) is burned.
			_, err = raw.Database(s.db.Name()).Collection(colCounters).UpdateOne(ctx,
				bson.D{{Key: "_id", Value: "submissions/esr/1"}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "seq", Value: int64(1)}}}})
			if err != nil {
				t.Fatal(err)
			}

			if rows, err := s.Submissions(ctx, assessment.SubmissionQuery{QuestionnaireID: "esr", Version: 1, Limit: 10, Choices: true}); err != nil || len(rows) != 1 {
				t.Fatalf("before AssignMissingSeqs: Submissions = %d rows, %v; want the 1 numbered", len(rows), err)
			}
			// Opening the store again (a restart) numbers them.
			s2 := srv.reopen(t, s)
			rows, err := s2.Submissions(ctx, assessment.SubmissionQuery{QuestionnaireID: "esr", Version: 1, Limit: 10, Choices: true})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int64{}
			for _, r := range rows {
				got[r.AssessmentID] = r.Seq
				want := newRow(r.AssessmentID)
				want.Seq = r.Seq
				if d := cmp.Diff(want, r); d != "" {
					t.Errorf("row of %s (-want +got):\n%s", r.AssessmentID, d)
				}
			}
			if len(rows) != 3 || got["normal"] != 1 || got["after-step-1"] < 3 || got["after-step-2"] < 3 ||
				got["after-step-1"] == got["after-step-2"] {
				t.Fatalf("after reopening: sequences %v, want normal 1 and the two others numbered 3 and 4", got)
			}

			// Running it again changes nothing; neither does the crashed submit's step 3 coming
			// late: the submission keeps the sequence it has.
			if err := s2.AssignMissingSeqs(ctx); err != nil {
				t.Fatal(err)
			}
			seq, err := s2.assignSeq(ctx, "after-step-1", "esr", 1)
			if err != nil || seq != got["after-step-1"] {
				t.Errorf("late step 3 = %d, %v; want the sequence already given, %d", seq, err, got["after-step-1"])
			}
			again, err := s2.Submissions(ctx, assessment.SubmissionQuery{QuestionnaireID: "esr", Version: 1, Limit: 10, Choices: true})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(rows, again); d != "" {
				t.Errorf("Submissions changed (-before +after):\n%s", d)
			}
			// The next submission takes the next free sequence.
			a := assessment.Assessment{ID: "next", QuestionnaireID: "esr", Version: 1, Status: assessment.StatusDraft,
				Answers: questionnaire.Answers{}, CreatedAt: when, UpdatedAt: when, FirmKey: "next"}
			if err := s2.CreateAssessment(ctx, a); err != nil {
				t.Fatal(err)
			}
			if seq, err := s2.MarkSubmitted(ctx, "next", 0, scoring.Result{}, newRow("next")); err != nil || seq != 6 {
				t.Errorf("MarkSubmitted(next) = %d, %v; want 6", seq, err)
			}
		})
	}
}

// reopen opens another store on the database of s, as a restarted server would.
func (srv server) reopen(t *testing.T, s *Store) *Store {
	t.Helper()
	s2, err := Open(context.Background(), Options{URI: srv.uri, Database: s.db.Name(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { _ = s2.Close(context.Background()) })
	return s2
}

// TestDeleteBeforeNumbering deletes a submission between the first and the last step of
// MarkSubmitted, as a delete from another device can: the tombstone replaces nothing numbered,
// the submit's late numbering reports the assessment missing, and a restart's
// AssignMissingSeqs leaves the tombstone alone.
func TestDeleteBeforeNumbering(t *testing.T) {
	for name, srv := range servers(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := srv.open(t)
			when := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
			a := assessment.Assessment{ID: "mid", QuestionnaireID: "esr", Version: 1, Status: assessment.StatusDraft,
				Answers: questionnaire.Answers{"q": "a"}, CreatedAt: when, UpdatedAt: when, FirmKey: "firm"}
			if err := s.CreateAssessment(ctx, a); err != nil {
				t.Fatal(err)
			}
			sub, err := submissionToDoc(assessment.Submission{AssessmentID: "mid", FirmKey: "firm", QuestionnaireID: "esr",
				Version: 1, SizeBand: "sme", SubmittedAt: when, Domains: map[string]float64{"governance": 50}})
			if err != nil {
				t.Fatal(err)
			}
			step1 := bson.D{{Key: "status", Value: "submitted"}, {Key: "submitted_at", Value: when}, {Key: "sub", Value: sub}}
			if err := s.updateDraft(ctx, "mid", 0, step1); err != nil {
				t.Fatal(err)
			}

			tomb, err := s.DeleteAssessment(ctx, "mid")
			want := assessment.Submission{Seq: 1, AssessmentID: "mid", FirmKey: "firm", QuestionnaireID: "esr", Version: 1,
				SubmittedAt: when, Deleted: true}
			if err != nil || !cmp.Equal(want, tomb) {
				t.Fatalf("DeleteAssessment = %+v, %v; want %+v", tomb, err, want)
			}
			if _, err := s.assignSeq(ctx, "mid", "esr", 1); !errors.Is(err, assessment.ErrNotFound) {
				t.Errorf("the submit's late numbering = %v, want ErrNotFound", err)
			}
			s2 := srv.reopen(t, s) // runs AssignMissingSeqs
			rows, err := s2.Submissions(ctx, assessment.SubmissionQuery{QuestionnaireID: "esr", Version: 1, Limit: 10, Choices: true})
			if err != nil || len(rows) != 1 || !cmp.Equal(want, rows[0]) {
				t.Errorf("Submissions = %+v, %v; want only the tombstone", rows, err)
			}
		})
	}
}

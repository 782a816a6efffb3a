package assessment

import "context"

// PeerCount is the number of firms in the peer population of a questionnaire version as the
// service holds it, read from the store first when it is stale: the exact figure the benchmark
// never publishes, which tests of the cache need.
func (s *Service) PeerCount(ctx context.Context, questionnaireID string, version int) (int, error) {
	pop, err := s.peers.population(ctx, questionnaireID, version)
	if err != nil {
		return 0, err
	}
	return pop.Len(), nil
}

package service_test

import (
	"testing"

	"github.com/wardenhq/warden/internal/service"
	"github.com/wardenhq/warden/internal/service/strikestest"
)

func TestMemoryStrikes(t *testing.T) {
	strikestest.Run(t, func(*testing.T) service.Strikes { return service.NewMemoryStrikes() })
}

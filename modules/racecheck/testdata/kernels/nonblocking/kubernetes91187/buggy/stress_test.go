package kubernetes91187

import (
	"errors"
	"strings"
	"testing"
)

type fakeClient struct{}

func (fakeClient) CreatePod(name string) error {
	if strings.HasSuffix(name, "-3") {
		return errors.New("quota exceeded")
	}
	return nil
}

func TestCreatePodsInParallel(t *testing.T) {
	if failed := CreatePods(fakeClient{}, 4); len(failed) != 1 {
		t.Fatalf("got %d failures, want 1: %v", len(failed), failed)
	}
}

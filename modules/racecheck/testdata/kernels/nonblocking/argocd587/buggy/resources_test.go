package argocd587

import (
	"fmt"
	"testing"
)

func TestGetResourcesWithLabel(t *testing.T) {
	kinds := []string{"Deployment", "Service", "ConfigMap", "Secret"}
	list := func(kind string) []string {
		return []string{fmt.Sprintf("%s/a", kind), fmt.Sprintf("%s/b", kind)}
	}
	if got := GetResourcesWithLabel(kinds, list); len(got) != 8 {
		t.Fatalf("got %d resources, want 8: %v", len(got), got)
	}
}

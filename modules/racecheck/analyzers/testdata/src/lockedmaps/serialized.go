package lockedmaps

import "sync"

// A map read under its lock, released while new entries are built from
// what was read, and written under it again, by a function every caller
// runs under another package-level lock (alibaba/sentinel-golang
// core/flow/rule_manager.go at f7a7f9575711, onResourceRuleUpdate under
// updateRuleMux): two updates never interleave, and nothing is reported.
var (
	updateRuleMux sync.Mutex
	tcMux         sync.RWMutex
	tcMap         = map[string][]*controller{}
)

type controller struct{ rule string }

func build(rules []string, old []*controller) []*controller {
	out := make([]*controller, 0, len(rules))
	for i, r := range rules {
		if i < len(old) && old[i].rule == r {
			out = append(out, old[i])
			continue
		}
		out = append(out, &controller{rule: r})
	}
	return out
}

func onResourceRuleUpdate(res string, rules []string) {
	var old []*controller
	tcMux.RLock()
	old = append(old, tcMap[res]...)
	tcMux.RUnlock()
	tcs := build(rules, old)
	tcMux.Lock()
	if len(tcs) == 0 {
		delete(tcMap, res)
	} else {
		tcMap[res] = tcs
	}
	tcMux.Unlock()
}

func LoadRulesOfResource(res string, rules []string) {
	updateRuleMux.Lock()
	defer updateRuleMux.Unlock()
	onResourceRuleUpdate(res, rules)
}

func ClearRulesOfResource(res string) {
	updateRuleMux.Lock()
	defer updateRuleMux.Unlock()
	onResourceRuleUpdate(res, nil)
}

// The same update called once without the outer lock: it can interleave
// with itself, and what it builds from a stale read replaces or deletes
// a newer entry.
func onResourceRuleUpdateOpen(res string, rules []string) {
	var old []*controller
	tcMux.RLock()
	old = append(old, tcMap[res]...)
	tcMux.RUnlock()
	tcs := build(rules, old)
	tcMux.Lock()
	if len(tcs) == 0 {
		delete(tcMap, res) // want `delete\(tcMap, res\) after tcMap\[res\] on line 63 is decided by the loaded value`
	} else {
		tcMap[res] = tcs // want `tcMap\[res\] = … after tcMap\[res\] on line 63 stores a value computed from the loaded one`
	}
	tcMux.Unlock()
}

func ReloadRulesOfResource(res string, rules []string) {
	updateRuleMux.Lock()
	onResourceRuleUpdateOpen(res, rules)
	updateRuleMux.Unlock()
}

func RefreshRulesOfResource(res string, rules []string) {
	onResourceRuleUpdateOpen(res, rules)
}

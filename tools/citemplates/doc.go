// Package citemplates validates raceproof's CI templates: the reusable GitHub Actions
// workflow, the composite action, this repository's own workflows and the GitLab CI
// template.
//
// It holds the project's own security rules for GitHub Actions files (Lint), a wrapper
// that runs actionlint as a library (Actionlint), and checks of the GitLab template's
// spec:inputs header (CheckGitLabSpec). The tests in this package run them over the real
// templates and, with RACEPROOF_E2E=1 (set by `go tool mage templates`), run the
// templates end to end with act and gitlab-ci-local against fixture downstream modules.
package citemplates

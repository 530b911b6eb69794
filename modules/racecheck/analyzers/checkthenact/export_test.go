package checkthenact

// RuleNames lists every rule -skip accepts.
var RuleNames = ruleNames

/**
 * Statements of the borrower's rights or of equal treatment. A sentence with one of these is not
 * conditioning even when it names a protected basis ("Lenders may not consider your marital status").
 */
export const RIGHTS_STATEMENT = new RegExp(
  [
    '\\b(?:may|must|can|could|should|will|shall)\\s+not\\s+(?:legally\\s+)?(?:consider|use|ask|inquire|discriminate|deny|refuse|treat|base|factor|take|discourage|charge|require|count against|penali[sz]e)',
    '\\b(?:cannot|can[’\']t|won[’\']t|mustn[’\']t|shouldn[’\']t)\\s+(?:legally\\s+)?(?:consider|use|ask|inquire|discriminate|deny|refuse|treat|base|factor|take|discourage|charge|require|count against|penali[sz]e)',
    '\\bnot\\s+(?:allowed|permitted)\\s+to\\b',
    '\\b(?:prohibit\\w*|forbid\\w*|illegal|unlawful|against the law)\\b',
    '\\b(?:regardless|irrespective)\\s+of\\b',
    '\\bwithout\\s+regard\\s+to\\b',
    '\\bdiscriminat\\w*',
    '\\b(?:equal credit opportunity|ecoa|regulation b|fair housing)\\b',
    '\\b(?:does|do|did|should|will|would)\\s*(?:not|n[’\']t)\\s+(?:affect|matter|count against|change|influence|play)\\b',
    '\\bno\\s+(?:effect|bearing|impact|role)\\b',
    '\\bnot\\s+a\\s+factor\\b',
    '\\bprotected\\s+(?:class|classes|characteristics?|bas[ie]s)\\b',
    '\\b(?:same|equal|identical)\\s+(?:terms|rates?|standards?|criteria|treatment)\\b',
    '\\b(?:like|as)\\s+any\\s+other\\s+income\\b',
    '\\b(?:cannot|can[’\']t|may\\s+not|must\\s+not|will\\s+not|won[’\']t)\\s+be\\s+(?:denied|refused|rejected|charged|treated|turned\\s+down|discouraged|penali[sz]ed|required|asked|used|considered|held\\s+against|counted\\s+against)\\b',
    '\\bnot\\s+(?:limited|restricted|reserved)\\s+(?:to|for)\\b',
    '\\b(?:the\\s+)?same\\s+way\\s+as\\b',
  ].join('|'),
  'iu',
);

/**
 * A deliberately small English stoplist: function words that carry no retrieval signal.
 * Words that matter in lending ("down", "no" in "no down payment" is lost, but "down" stays,
 * "first", "over", "under", "more", "less") are kept on purpose. Every pronoun goes: "us" would
 * otherwise match "use" (both stem to "us"), and a question reworded around a third person
 * ("…for them", "can someone…") should retrieve what the first-person one does.
 */
export const STOPWORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'and', 'or', 'but', 'if', 'of', 'to', 'in', 'on', 'at', 'by', 'for', 'with', 'from', 'as',
  'is', 'are', 'was', 'were', 'be', 'been', 'being', 'am', 'it', 'its', 'this', 'that', 'these', 'those',
  'i', 'im', 'ive', 'id', 'me', 'my', 'we', 'our', 'you', 'youre', 'your', 'he', 'she', 'they', 'them', 'their',
  'his', 'her', 'us', 'him', 'hers', 'ours', 'yours', 'theirs', 'myself', 'yourself', 'ourselves', 'themselves',
  'himself', 'herself', 'someone', 'somebody', 'anyone', 'anybody', 'everyone', 'everybody',
  'do', 'does', 'did', 'dont', 'doesnt', 'have', 'has', 'had', 'will', 'would', 'shall',
  'should', 'can', 'could', 'may', 'might', 'so', 'than', 'then', 'there', 'here', 'what', 'which', 'who',
  'whom', 'how', 'when', 'where', 'why', 'about', 'into', 'also', 'just', 'very', 'any', 'some', 'such',
  'each', 'etc', 'eg', 'ie', 'because', 'get', 'gets', 'got',
]);

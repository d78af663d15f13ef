/**
 * A BERT-style WordPiece tokenizer of our own making, in the tokenizer.json layout the Hugging Face
 * exports use (BertNormalizer, BertPreTokenizer, WordPiece, [CLS] … [SEP] template), with a small
 * vocabulary: the special tokens at BERT's ids (0, 100–103), lending words, and every lowercase
 * letter and digit whole and as a `##` continuation, so any English text tokenizes (unknown words
 * split into letters, as with the real vocabulary). Tests that need a tokenizer use it instead of
 * the real MiniLM files, which live outside the repository.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const SPECIAL = { '[PAD]': 0, '[UNK]': 100, '[CLS]': 101, '[SEP]': 102, '[MASK]': 103 } as const;

const WORDS = [
  'a', 'about', 'and', 'apr', 'bad', 'closing', 'conventional', 'costs', 'credit', 'do', 'down', 'escrow', 'fha', 'five',
  'for', 'get', 'hi', 'how', 'i', 'in', 'is', 'loan', 'lock', 'longer', 'mortgage', 'much', 'need', 'payment', 'percent',
  'pmi', 'question', 'rate', 'refinance', 'score', 'texas', 'va', 'what', 'with', '##s', '##ing', '##ed',
];
const PUNCTUATION = ['?', '.', ',', '!', '$', '%', '-', "'", ':', ';', '(', ')', '/'];
const CHARACTERS = [...'abcdefghijklmnopqrstuvwxyz0123456789'];

/** token → id: [PAD] 0, words and punctuation from 1, [UNK]/[CLS]/[SEP]/[MASK] at 100–103, letters after. */
export const TINY_VOCABULARY: Readonly<Record<string, number>> = buildVocabulary();

function buildVocabulary(): Record<string, number> {
  const vocabulary: Record<string, number> = { ...SPECIAL };
  let next = 1;
  const add = (token: string) => {
    if (token in vocabulary) return;
    if (next === SPECIAL['[UNK]']) next = SPECIAL['[MASK]'] + 1;
    vocabulary[token] = next++;
  };
  for (const token of [...WORDS, ...PUNCTUATION, ...CHARACTERS, ...CHARACTERS.map((character) => `##${character}`)]) add(token);
  return vocabulary;
}

const addedToken = (content: string, id: number) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });

/** tokenizer.json for {@link TINY_VOCABULARY}. */
export function tinyTokenizerJson(): Record<string, unknown> {
  const sequence = (id: 'A' | 'B', typeId: number) => ({ Sequence: { id, type_id: typeId } });
  const special = (id: '[CLS]' | '[SEP]', typeId: number) => ({ SpecialToken: { id, type_id: typeId } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: Object.entries(SPECIAL).map(([content, id]) => addedToken(content, id)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0)],
      pair: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0), sequence('B', 1), special('[SEP]', 1)],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [SPECIAL['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [SPECIAL['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: TINY_VOCABULARY },
  };
}

/** tokenizer_config.json as a BertTokenizer export writes it. */
export function tinyTokenizerConfig(): Record<string, unknown> {
  return {
    cls_token: '[CLS]',
    do_lower_case: true,
    mask_token: '[MASK]',
    model_max_length: 512,
    pad_token: '[PAD]',
    sep_token: '[SEP]',
    tokenizer_class: 'BertTokenizer',
    unk_token: '[UNK]',
  };
}

/** Writes tokenizer.json and tokenizer_config.json into `dir`. */
export async function writeTinyTokenizer(dir: string): Promise<void> {
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tinyTokenizerJson()));
  await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(tinyTokenizerConfig(), null, 2));
}

/** A document of the knowledge base. */
export interface KnowledgeDocument {
  id: string;
  title: string;
  text: string;
  /** Optional source URL or citation for the reader. */
  url?: string | undefined;
  tags?: string[] | undefined;
}

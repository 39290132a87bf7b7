//! Every tuning number of understanding in one place: what it weighs, and why it has the value
//! it has. Decoder limits (sizes, depths, cell counts) stay beside the parser they bound.

/// Confidence of a record read from a grid table's port cell.
pub const GRID_CONFIDENCE: f64 = 0.95;
/// Confidence of a record from a table whose rows were rebuilt from a flat run of cells.
pub const STREAM_CONFIDENCE: f64 = 0.85;
/// Confidence lost when the listener column was guessed (a purpose or host column), and when the
/// transport was taken from the row's words rather than a transport column or the cell.
pub const GUESS_PENALTY: f64 = 0.05;
/// How much less sure a port read from a row's notes is than one read from its port cell.
pub const NOTES_PORT_PENALTY: f64 = 0.2;
/// How much less sure a port read from a sentence in a port cell is ("Default is TCP port 80").
pub const SENTENCE_CELL_PENALTY: f64 = 0.1;
/// Confidence of a port read from a sentence.
pub const PROSE_CONFIDENCE: f64 = 0.5;

/// The longest title whose direction words are taken for its table's rows ("Inbound rules",
/// "Ports the server listens on"); a longer one is a sentence about more than this table.
pub const TITLE_DIRECTION_MAX_WORDS: usize = 12;
/// How many headings above a table (nearest first) name what the table is written for, with the
/// document's title: "VCH Endpoint VM" over "Bridge Network" over a table of VCH ports.
pub const SUBJECT_HEADINGS: usize = 2;
/// The most words read as one party of a connection phrase ("from the VCH to DNS servers");
/// a "to" further away is not the phrase's.
pub const FLOW_PARTY_MAX_WORDS: usize = 12;
/// How far into a cell the connection word of such a phrase may stand: after a verb or two
/// ("Allow access to X", "Allow outgoing traffic to X"), not deep inside a sentence.
pub const FLOW_NOUN_MAX_INDEX: usize = 2;

/// A column whose header names no role is a port column when at least this many of its cells
/// hold ports ("Casilla #" over 17001, 8001, 3389) ...
pub const CONTENT_PORT_MIN_CELLS: usize = 2;
/// ... and at least this share of its non-empty cells do (the rest may be "-" or notes).
pub const CONTENT_PORT_SHARE: f64 = 0.7;
/// ... and the numbers are not a row counter: a column whose ports are all below this and
/// count 1, 2, 3 is a line number, not a port list.
pub const ROW_COUNTER_MAX: u16 = 100;

/// The longest first clause (up to a comma) of a paragraph read as a statement of one firewall
/// rule ("Outbound: TCP port 80 (for HTTP communication)", "Allow outbound TCP traffic to port
/// 2377 on the endpoint VM, for use by ..."), whose port stands on its own even where a table
/// names the number.
pub const STATEMENT_MAX_WORDS: usize = 16;

/// The longest name before the colon of a list item read as a row of a port list ("Web
/// interface: 8006 (TCP)"); a longer one is a sentence that happens to hold a colon.
pub const LIST_LABEL_MAX_WORDS: usize = 8;
/// The longest list label read as a direction rather than a name ("In entrata: Porta TCP 2701").
pub const DIRECTION_LABEL_MAX_WORDS: usize = 3;
/// Confidence of a record from such a list row: a table row in all but its layout.
pub const LIST_ROW_CONFIDENCE: f64 = 0.8;
/// Confidence of a record from a firewall command the document gives (`ufw allow 443/tcp`).
pub const COMMAND_CONFIDENCE: f64 = 0.8;

/// Latin-script text is told by its function words before lingua is asked (lingua loads its
/// models and scores n-grams: a tenth of a PDF worker's time on an English guide without
/// metadata). One language must have at least this many function-word hits in the sample ...
pub const FUNCTION_WORDS_MIN: usize = 12;
/// ... and this many times the hits of any other language; otherwise lingua decides.
pub const FUNCTION_WORDS_MARGIN: usize = 4;

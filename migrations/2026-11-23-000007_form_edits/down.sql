DROP TABLE request_form_edits;
